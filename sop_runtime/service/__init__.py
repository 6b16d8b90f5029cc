"""The use cases: one function per user action, one transaction each. The CLI, the web
application and the Prefect flows call only these."""
