"""Storing and serving attachments: type by content (not by name), size limit, scope, audit."""

import hashlib

from bson import ObjectId
from bson.errors import InvalidId

from ...documents import Child, DomainError
from ...documents.attachment import Attachment, AttachmentBytes
from ...documents.base import scope_values
from ...documents.constants import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES
from .. import audit
from . import archive_history

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (JPEG, PNG or PDF), else None."""
    return next((kind for magic, kind in SIGNATURES if data.startswith(magic)), None)


def check_upload(filename: str, data: bytes) -> tuple[str, str]:
    """(content type, safe file name) of an upload, or a DomainError in Chinese."""
    if not data:
        raise DomainError("请选择要上传的文件。", "file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            f"文件超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，请压缩后再上传。", "file"
        )
    kind = sniff(data)
    if kind is None or kind not in ATTACHMENT_TYPES:
        raise DomainError("只能上传 JPG、PNG 图片或 PDF 扫描件。", "file")
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    return kind, name or f"附件{ATTACHMENT_TYPES[kind]}"


def _saved(filename: str, data: bytes, user, note: str, **owner) -> Attachment:
    """One checked upload stored for its owner (an archive, a visit or a work record)."""
    kind, name = check_upload(filename, data)
    att = Attachment(
        id=ObjectId(),
        filename=name,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        note=(note or "")[:200],
        uploaded_by=user.username,
        **owner,
    )
    AttachmentBytes(id=att.id, data=data).save(force_insert=True)  # the bytes first
    att.save(force_insert=True)
    return att


def bytes_of(att: Attachment) -> bytes:
    """The file itself (a record stored before the split keeps its bytes on it)."""
    doc = AttachmentBytes._get_collection().find_one({"_id": att.pk})
    return doc["data"] if doc else (att.data or b"")


def store_for_record(record, filename: str, data: bytes, user, note: str = "") -> Attachment:
    """A photo on a work record (e.g. a publicity event): same checks, the record's scope."""
    att = _saved(
        filename,
        data,
        user,
        note,
        record=f"{record._get_collection_name()}:{record.pk}",
        place_path=list(record.place_path),
    )
    name = att.filename
    type(record)._get_collection().update_one(
        {"_id": record.pk}, {"$push": {"photo_ids": str(att.pk)}}
    )
    record.photo_ids = [*(record.photo_ids or []), str(att.pk)]
    audit.record("create", record, detail=f"上传照片 {name}（{len(data)} 字节）")
    return att


def store(
    child: Child, filename: str, data: bytes, user, visit: str | None = None, note: str = ""
) -> Attachment:
    """Check and save one upload for an archive (optionally a visit of it)."""
    att = _saved(
        filename,
        data,
        user,
        note,
        child=str(child.pk),
        visit=visit,
        place_path=list(child.place_path),
    )
    name = att.filename
    if visit is None:
        Child._get_collection().update_one({"_id": child.pk}, {"$push": {"photo_ids": str(att.pk)}})
        child.photo_ids = [*(child.photo_ids or []), str(att.pk)]
    archive_history.add_history(child, user, "上传附件", {"附件": ["", name]})
    audit.record("create", child, detail=f"上传附件 {name}（{len(data)} 字节）")
    return att


def get_in_scope(attachment_id: str, user) -> Attachment | None:
    """The attachment by id when it lies inside the user's place, else None."""
    try:
        att = Attachment.objects(pk=ObjectId(attachment_id)).first()
    except (InvalidId, TypeError):
        return None
    if att is None or user.place not in (att.place_path or []):
        return None
    return att


def listing(ids) -> list[dict]:
    """Name, type and size of attachments (without their bytes), by id."""
    wanted = [ObjectId(i) for i in ids or [] if ObjectId.is_valid(i)]
    if not wanted:
        return []
    found = {d["_id"]: d for d in Attachment._get_collection().find({"_id": {"$in": wanted}})}
    out = []
    for i in wanted:  # in the owner's order, one read for them all
        doc = found.get(i)
        if doc:
            doc.pop("data", None)  # a record stored before the split
            doc["id"] = str(doc.pop("_id"))
            out.append(doc)
    return out


def move(ids, place_path: list[str]) -> None:
    """Follow a transferred archive: the attachments' scope moves with it (by _id)."""
    coll = Attachment._get_collection()
    for i in ids or []:
        coll.update_one(
            {"_id": ObjectId(i)}, {"$set": {"place_path": place_path, **scope_values(place_path)}}
        )
