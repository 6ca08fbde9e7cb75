"""Rate-limit counters shared by every worker, on the product's own database.

Flask-Limiter keeps its counters in a `limits` storage. `memory://` is one process's: under
gunicorn's several workers each would count alone and a limit of 5 would let 5 × workers
through. The `limits` library's MongoDB storage updates its counters with an aggregation
pipeline, which the embedded FerretDB 1.24 does not run; this storage is that one with
`incr` written in plain `$inc`/`$set` (fixed windows: the only strategy the product uses)
and its time read from the product's clock (core/clock.py). The collection's documents
are `{_id: key, count, expireAt}`; an expired one is reset by the next hit of its key
(the keys are addresses and stations: few), and removed by a TTL index on MongoDB 6.

Selected by `RATELIMIT_STORAGE_URI = "wbz-mongodb://…"` (config.py: the app's own
database unless WBZ_RATELIMIT_STORAGE_URI names another).
"""

from datetime import UTC, timedelta

from limits.storage import MongoDBStorage
from pymongo import MongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError, OperationFailure

from .core import clock

SCHEME = "wbz-mongodb"


class SharedCounters(MongoDBStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(
            uri,
            database_name=options.pop("database_name", None) or _database_of(uri),
            counter_collection_name="rate_limits",
            window_collection_name="rate_limit_windows",
            wrap_exceptions=wrap_exceptions,
            **options,
        )

    def _init_mongo_client(self, uri, **options) -> MongoClient:
        return MongoClient("mongodb://" + uri.split("://", 1)[1], **options)

    def _MongoDBStorageBase__initialize_database(self) -> None:
        try:  # a TTL index removes expired counters on MongoDB; FerretDB keeps them
            self.counters.create_index("expireAt", expireAfterSeconds=0)
        except OperationFailure:
            pass

    def __del__(self) -> None:
        # The library's own closes through `storage`, which connects first when it never
        # did, and complains when the database is already gone at exit.
        client, self._storage = getattr(self, "_storage", None), None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001,S110 - the process is ending
                pass

    def get(self, key: str) -> int:
        found = self.counters.find_one({"_id": key}, projection=["count", "expireAt"])
        if not found or _aware(found["expireAt"]) < clock.now():
            return 0
        return int(found["count"])

    def get_expiry(self, key: str) -> float:
        found = self.counters.find_one({"_id": key}, projection=["expireAt"])
        return (_aware(found["expireAt"]) if found else clock.now()).timestamp()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        for _attempt in range(5):
            now = clock.now()
            live = self.counters.find_one_and_update(
                {"_id": key, "expireAt": {"$gte": now}},
                {"$inc": {"count": amount}},  # (FerretDB takes no projection here)
                return_document=ReturnDocument.AFTER,
            )
            if live:
                return int(live["count"])
            fresh = {"count": amount, "expireAt": now + timedelta(seconds=expiry)}
            if self.counters.update_one(
                {"_id": key, "expireAt": {"$lt": now}}, {"$set": fresh}
            ).modified_count:
                return amount
            try:
                self.counters.insert_one({"_id": key, **fresh})
                return amount
            except DuplicateKeyError:
                continue  # another worker started the window meanwhile: count in it
        raise RuntimeError(f"rate limit counter {key} kept changing")


def _database_of(uri: str) -> str:
    path = uri.split("://", 1)[1].split("/", 1)
    name = path[1].split("?", 1)[0] if len(path) > 1 else ""
    return name or "wbz"


def _aware(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def configure(app) -> None:
    """Point Flask-Limiter at the shared counters unless another store is configured (called
    after the database is connected: db.connect sets MONGODB_EFFECTIVE_URI)."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri:
        effective = app.config.get("MONGODB_EFFECTIVE_URI") or app.config.get("MONGODB_URI")
        uri = f"{SCHEME}://" + effective.split("://", 1)[1]
        app.config["RATELIMIT_STORAGE_URI"] = uri
    if uri.startswith(f"{SCHEME}://"):
        options = dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        options.setdefault("database_name", app.config["MONGODB_DB"])
        options.setdefault("serverSelectionTimeoutMS", 3000)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = options
