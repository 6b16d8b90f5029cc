from tests.storefixtures import postgres_schema_url  # noqa: F401  (a fixture)
