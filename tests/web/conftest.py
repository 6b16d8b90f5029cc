from tests.storefixtures import postgres_schema_url, store_url  # noqa: F401  (fixtures)
