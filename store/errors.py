"""The store's errors, in a module of their own so that light modules (store/sql_results.py) can raise them
without importing DuckDB."""


class StoreError(RuntimeError):
    pass


class StoreBusy(StoreError):
    """Another process kept the database locked for longer than the retry budget."""
