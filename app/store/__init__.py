"""One data layer over two engines: the embedded SQLite file (the default) or a PostgreSQL server."""
from .base import OPERATIONAL_ERRORS, Busy, Store, StoreError
from .open import is_url, open_store

__all__ = ["OPERATIONAL_ERRORS", "Busy", "Store", "StoreError", "is_url", "open_store"]
