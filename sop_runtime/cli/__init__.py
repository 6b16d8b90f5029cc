"""The ``sop`` command line (typer + rich)."""
