"""The compiler: an SOP document becomes a checked Workflow, its content hash and its drawings."""
