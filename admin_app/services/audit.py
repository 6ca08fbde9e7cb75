"""Writing to the audit log: one function, called by the base view, log-in and the CLI."""

from datetime import date, datetime

from flask import has_request_context, request
from flask_login import current_user

from ..core import dates
from ..documents import AuditEntry
from ..documents.base import SCOPE_FIELDS
from ..documents.constants import PROVINCE_CODE


def _text(value) -> str:
    """A stored value as people read it; times in Beijing time.

    In a document's `to_mongo()` a DateField is a naive midnight (mongoengine drops the
    time zone of dates), while every time the product stores is timezone-aware.
    """
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is None:
        return dates.cn_date(value.date())
    if isinstance(value, datetime | date):
        return dates.cn_datetime(value)
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return str(value)


def diff(
    before: dict, after: dict, skip=("version", "updated_at", "updated_by", "_id", *SCOPE_FIELDS)
) -> dict:
    """{field: [old, new]} for the fields whose value changed, as text."""
    out = {}
    for key in sorted(set(before) | set(after)):
        if key in skip or key.startswith("_"):
            continue
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = [_text(old), _text(new)]
    return out


def record(action: str, obj=None, *, changes=None, detail=None, actor=None, place_path=None):
    """Append one entry; the scope is the record's place, else the actor's, else the province."""
    entry_ = entry(action, obj, changes=changes, detail=detail, actor=actor, place_path=place_path)
    entry_.save()
    return entry_


def record_many(entries: list) -> None:
    """Append entries made by `entry` at once (an import's block)."""
    if entries:
        AuditEntry._get_collection().insert_many(
            [e.synced().to_mongo() for e in entries], ordered=True
        )


def entry(action: str, obj=None, *, changes=None, detail=None, actor=None, place_path=None):
    """The entry `record` appends, not yet written."""
    user = actor if actor is not None else (current_user if has_request_context() else None)
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    if place_path is None:
        place_path = getattr(obj, "place_path", None) or (
            list(user.place_path) if authenticated else [PROVINCE_CODE]
        )
    return AuditEntry(
        actor=(user.username if authenticated else (actor if isinstance(actor, str) else None)),
        actor_role=(user.role if authenticated else None),
        action=action,
        target_type=(obj._get_collection_name() if obj is not None else None),
        target_id=(str(obj.pk) if obj is not None and obj.pk is not None else None),
        target_label=(str(obj)[:200] if obj is not None else None),
        place_path=list(place_path),
        ip=(request.remote_addr if has_request_context() else "cli"),
        changes=changes or {},
        detail=detail,
    )
