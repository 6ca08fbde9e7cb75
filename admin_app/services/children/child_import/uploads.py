"""The uploaded file between the preview and the import: one document per file (in parts
when large), read back by token and user only."""

import re
from datetime import datetime

from mongoengine import get_db

from ....core import clock

# Uploaded files kept between the preview and the import, one document per file with
# _id = a random token (the user name, created_at, filename, data as bytes). The import
# re-reads these bytes, never anything the browser sends back. A file larger than one
# document may hold continues in parts with _id "<token>.1", "<token>.2", …
UPLOADS = "child_import_uploads"
PART_BYTES = 8 * 1024 * 1024


def uploads_collection():
    return get_db()[UPLOADS]


# ---- the uploaded file between preview and import ----
def store_upload(token: str, user, filename: str, data: bytes) -> None:
    coll = uploads_collection()
    now = clock.now()
    parts = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
    for n, part in enumerate(parts, start=1):  # the bytes apart: a progress read skips them
        coll.insert_one(
            {"_id": f"{token}.{n}", "user": user.username, "created_at": now, "data": part}
        )
    coll.insert_one(
        {
            "_id": token,
            "user": user.username,
            "created_at": now,
            "filename": filename,
            "parts": len(parts) + 1,
            "blocks": 0,
            "mode": None,
            "lines": [],
            "next": 0,
            "total": 0,
            "saved": 0,
            "failed": [],
        }
    )


def load_upload(token: str, user, with_data: bool = True) -> dict | None:
    """The stored upload of this user (with all its bytes when asked), or None."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
        return None
    coll = uploads_collection()
    doc = coll.find_one({"_id": token})
    if not doc or doc.get("user") != user.username or "filename" not in doc:
        return None
    if not with_data:
        return doc
    data = bytes(doc.get("data") or b"")
    for n in range(1, doc.get("parts") or 1):
        part = coll.find_one({"_id": f"{token}.{n}"})
        if part is None:
            return None
        data += bytes(part["data"])
    doc["data"] = data
    return doc


def delete_upload(token: str, parts: int = 1, blocks: int = 0) -> None:
    coll = uploads_collection()
    for n in range(1, parts or 1):
        coll.delete_one({"_id": f"{token}.{n}"})
    for n in range(blocks or 0):  # the validated rows (child_import/batch.py)
        coll.delete_one({"_id": f"{token}.b{n}"})
    coll.delete_one({"_id": token})


def forget_old_uploads(before: datetime) -> None:
    """Drop uploads nobody imported or cancelled (a small collection: the scan is cheap)."""
    uploads_collection().delete_many({"created_at": {"$lt": before}})
