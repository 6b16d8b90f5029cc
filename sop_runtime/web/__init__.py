"""The web application and JSON API (FastAPI): thin routes over the service layer."""
