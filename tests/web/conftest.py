from tests.integration.service.conftest import demo_copy, demo_day  # noqa: F401  (fixtures)
