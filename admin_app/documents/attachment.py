"""Photos and scans attached to an archive or a visit, stored in the database."""

from mongoengine import BinaryField, DateTimeField, Document, IntField, ListField, StringField

from ..core import clock


class Attachment(Document):
    """One file. Read only by `_id` (never scanned: the collection holds the bytes)."""

    child = StringField()  # the archive it belongs to
    record = StringField()  # or "<collection>:<id>" of a work record (a publicity event)
    visit = StringField()  # the visit record, when attached to a visit
    place_path = ListField(StringField(), required=True)
    filename = StringField(required=True, max_length=200)
    content_type = StringField(required=True)
    size = IntField(required=True)
    sha256 = StringField(required=True)
    data = BinaryField(required=True)
    note = StringField(max_length=200)
    uploaded_by = StringField()
    uploaded_at = DateTimeField(default=clock.now)

    meta = {"collection": "attachments"}
