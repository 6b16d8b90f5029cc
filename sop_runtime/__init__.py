"""sop-runtime: Indonesian court SOPs compiled into executable, auditable workflows."""

__version__ = "0.1.0"
