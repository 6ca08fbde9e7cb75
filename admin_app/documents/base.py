"""What every record that belongs to a place shares: its place, scope path and version."""

from mongoengine import DateTimeField, Document, IntField, ListField, StringField
from mongoengine.errors import SaveConditionError, ValidationError
from mongoengine.queryset import QuerySet

from ..core import clock
from ..core.errors import Conflict, DomainError  # noqa: F401 - re-exported: documents raise them

CONFLICT_MESSAGE = "该记录已被他人修改，请刷新页面查看最新内容后重新提交。"

# The record's place at each depth of its scope path, one scalar field per depth
# (province, city, county, township, village), so "inside my place" is one equality on
# one field — a condition both MongoDB and the embedded server answer from an index
# (indexes named "pushdown_…": admin_app/indexes.py, tools/ferretdb/patches).
SCOPE_FIELDS = ("scope0", "scope1", "scope2", "scope3", "scope4")


def scope_values(path) -> dict:
    """{scopeN: the key at depth N, or None below the record's own place}."""
    path = list(path or [])
    if len(path) > len(SCOPE_FIELDS):
        raise ValueError(f"地点层级过深：{path}")
    return {f: (path[i] if i < len(path) else None) for i, f in enumerate(SCOPE_FIELDS)}


def scope_filter(user) -> dict:
    """The query of "inside the user's place": the field of the user's depth equals the
    user's place. The depth comes from the user's own record (its place path ends with
    its place); a user record without one falls back to the array match."""
    return _inside(getattr(user, "place", None), getattr(user, "place_path", None))


def _inside(place, path) -> dict:
    path = list(path or [])
    if place and path and path[-1] == place and len(path) <= len(SCOPE_FIELDS):
        return {SCOPE_FIELDS[len(path) - 1]: place}
    return {"place_path": place}


class ScopedQuerySet(QuerySet):
    """QuerySet with the one scope rule of the product."""

    def in_scope(self, user):
        """Records inside the user's place: one equality on the field of its depth."""
        return self.filter(**scope_filter(user))

    def under(self, place: str):
        """Records inside a place (a township's, for its figures or its roster)."""
        from .place import Place

        return self.filter(**_inside(place, Place.path_of(place)))


def get_scoped(model, pk, user):
    """(record, found_elsewhere): a record by `_id` when it lies inside the user's place.

    Only `_id` equality is pushed down to SQLite by FerretDB; a query that also names the
    scope (or sorts) reads the whole collection. So: fetch by `_id`, check the scope here.
    A malformed id is simply not found.
    """
    from bson.errors import InvalidId
    from mongoengine.errors import ValidationError

    try:
        obj = model.objects(pk=pk).order_by().first()
    except (ValidationError, InvalidId, TypeError, ValueError):
        return None, False
    if obj is None:
        return None, False
    if not getattr(user, "place", None) or user.place not in (obj.place_path or []):
        return None, True
    return obj, False


class PlaceKeyed(Document):
    """A record filed under a place: `place_path` (province first) and the same keys one
    per depth (`scope0`…`scope4`), kept equal to it on every save."""

    place_path = ListField(StringField(), required=True)
    scope0 = StringField()
    scope1 = StringField()
    scope2 = StringField()
    scope3 = StringField()
    scope4 = StringField()

    meta = {"abstract": True, "queryset_class": ScopedQuerySet}

    def sync_scope(self) -> None:
        for field, key in scope_values(self.place_path).items():
            if getattr(self, field) != key:
                setattr(self, field, key)

    def synced(self):
        """The record with its scope keys filled (for a bulk insert of new records)."""
        self.sync_scope()
        return self

    def save(self, *args, **kwargs):
        self.sync_scope()
        return super().save(*args, **kwargs)


class ScopedDocument(PlaceKeyed):
    """A record that belongs to one place.

    `place` is the permanent key of that place and `place_path` the keys of the place
    and all its ancestors (province first), so "inside my place" is
    `place_path == my_place_key`. Keys never change when a place is renamed or re-coded
    (see Place), so nothing hanging under a place is orphaned by such a change.
    """

    place = StringField(required=True)
    version = IntField(default=0)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    created_by = StringField()
    updated_by = StringField()

    meta = {"abstract": True, "queryset_class": ScopedQuerySet}

    def save_new(self, user) -> None:
        """The one first write of a record: version 0, who and when, never over another."""
        self.stamp_new(user)
        self.save(force_insert=True)

    def stamp_new(self, user, now=None) -> None:
        """What a first write records (save_new; a batch of new records written at once)."""
        now = now or clock.now()
        self.created_at, self.created_by = now, user.username
        self.updated_at, self.updated_by = now, user.username
        self.version = 0

    def save_versioned(self, user, conflict: str = CONFLICT_MESSAGE, field: str | None = None):
        """The one write of a changed record: it lands only if nobody saved the record since
        it was read (its version is the condition), with who changed it and when. Raises
        Conflict (nothing written, the version as it was) or ValidationError."""
        expected = self.version or 0
        self.version = expected + 1
        self.updated_by, self.updated_at = user.username, clock.now()
        try:
            self.validate()
            self.save(save_condition={"version": expected})
        except SaveConditionError as exc:
            self.version = expected
            raise Conflict(conflict, field) from exc
        except ValidationError:
            self.version = expected
            raise

    def set_place(self, key: str) -> None:
        """Attach the record to a place, filling its scope path."""
        from .place import Place

        self.place = key
        self.place_path = Place.path_of(key)

    def in_scope_of(self, user) -> bool:
        """True when the record lies inside the user's place."""
        return bool(user.place) and user.place in (self.place_path or [])

    @property
    def place_name(self) -> str:
        from .place import Place

        return Place.full_name_of(self.place)
