from tests.integration.service.conftest import demo_day  # noqa: F401  (fixture)
