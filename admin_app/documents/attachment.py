"""Photos and scans attached to an archive or a visit, stored in the database: what a list
shows (name, type, size) in `attachments`, the bytes apart in `attachment_bytes`, so
listing a child's photos never reads them."""

from mongoengine import BinaryField, DateTimeField, Document, IntField, ObjectIdField, StringField

from ..core import clock
from .base import PlaceKeyed


class Attachment(PlaceKeyed):
    """One file's description. Read by `_id`; its bytes are an AttachmentBytes of the
    same `_id` (`data` here only on records stored before the split, until migrated)."""

    child = StringField()  # the archive it belongs to
    record = StringField()  # or "<collection>:<id>" of a work record (a publicity event)
    visit = StringField()  # the visit record, when attached to a visit
    filename = StringField(required=True, max_length=200)
    content_type = StringField(required=True)
    size = IntField(required=True)
    sha256 = StringField(required=True)
    data = BinaryField()  # before 2026-12-04 only; see AttachmentBytes
    note = StringField(max_length=200)
    uploaded_by = StringField()
    uploaded_at = DateTimeField(default=clock.now)

    meta = {"collection": "attachments"}


class AttachmentBytes(Document):
    """The bytes of one attachment, `_id` = the attachment's. Written once, before it."""

    id = ObjectIdField(primary_key=True)
    data = BinaryField(required=True)

    meta = {"collection": "attachment_bytes"}
