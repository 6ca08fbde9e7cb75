"""Records sent from a phone that had no signal: a receipt per record, so each is taken once."""

from mongoengine import DateTimeField, Document, StringField


class FieldReceipt(Document):
    """_id = the id the phone gave the record (32 hex digits). Inserted before the record
    is saved; a second send of the same id finds it (services/field.py)."""

    id = StringField(primary_key=True)
    username = StringField(required=True)
    child = StringField()
    kind = StringField(required=True)  # visit
    at = DateTimeField(required=True)
    result = StringField()  # the saved record's id

    meta = {"collection": "field_receipts", "indexes": []}
