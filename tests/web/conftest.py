from tests.integration.service.conftest import demo_copy, demo_day  # noqa: F401  (fixtures)
from tests.storefixtures import postgres_schema_url  # noqa: F401  (a fixture)
