from tests.storefixtures import postgres_schema_url, store_url

__all__ = ["postgres_schema_url", "store_url"]
