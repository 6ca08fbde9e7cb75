"""Home visits (五): one visit book per child, keyed by the child's id."""

from mongoengine import (
    DateField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    ListField,
    StringField,
)

from ..core import clock
from .constants import PARENT_CONTACTS

VISIT_KINDS = (
    ("regular", "定期走访"),
    ("key_check", "重点核查"),
    ("first", "首次家访"),
    ("follow_up", "跟踪回访"),
    ("ad_hoc", "临时走访"),
)


class PlannedVisit(EmbeddedDocument):
    """A planned visit date (5.1); `done_by` is the id of the visit that fulfilled it."""

    due = DateField(required=True)
    kind = StringField(choices=VISIT_KINDS, default="regular")
    note = StringField(max_length=200)
    done_by = StringField()
    added_by = StringField()


class VisitRecord(EmbeddedDocument):
    """A visit made (五 5.1–5.4)."""

    id = StringField(required=True)
    date = DateField(required=True)
    kind = StringField(required=True, choices=VISIT_KINDS)
    visitors = StringField(required=True, max_length=200)
    guardianship = StringField(max_length=1000)  # 监护
    living = StringField(max_length=1000)  # 生活
    study = StringField(max_length=1000)  # 学习
    health = StringField(max_length=1000)  # 健康
    services = StringField(max_length=1000)
    # 农村留守儿童: contact with the parents away since the last visit (三(二))
    parent_contact = StringField(choices=PARENT_CONTACTS)
    risk_level = StringField()
    risk_reason = StringField(max_length=500)
    next_visit = DateField()
    follow_up_of = StringField(max_length=200)  # the service followed up (5.4)
    photo_ids = ListField(StringField())
    recorded_by = StringField()
    recorded_at = DateTimeField(default=clock.now)  # when the server received it
    made_at = DateTimeField()  # recorded on a phone without signal: when, by its clock
    location = StringField(max_length=40)  # "lat,lng" when the person allowed it


class VisitBook(Document):
    """_id = child id: the yearly plan and the visit records, out of the archive itself."""

    id = StringField(primary_key=True)
    place_path = ListField(StringField())
    plan = ListField(EmbeddedDocumentField(PlannedVisit))
    visits = ListField(EmbeddedDocumentField(VisitRecord))

    meta = {"collection": "visit_books"}
