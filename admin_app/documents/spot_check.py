"""督导抽查 (附件2 3.1.2, 附件3 督导考核; issue 16): a 督导员's random sample of a village's
archives and recent visits, to verify in person, with the result of each check."""

from mongoengine import (
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from .base import ScopedDocument
from .constants import SPOT_CHECK_KINDS, SPOT_CHECK_RESULTS


class SpotItem(EmbeddedDocument):
    kind = StringField(required=True, choices=SPOT_CHECK_KINDS)
    child = StringField(required=True)  # the archive's id
    child_name = StringField()
    visit = StringField()  # a visit's id (kind "visit")
    visit_date = DateField()
    result = StringField(choices=SPOT_CHECK_RESULTS, default="pending")
    note = StringField(max_length=500)
    checked_on = DateField()
    checked_by = StringField()


class SpotCheck(ScopedDocument):
    """One draw, filed under the village it samples. `seed` and the population drawn
    from make it reproducible (services/supervision.py: draw)."""

    seed = StringField(required=True)
    archives = IntField(required=True)  # how many archives were asked for
    visits = IntField(required=True)
    visit_days = IntField(required=True)  # visits of the last N days
    population = IntField()  # archives in the register when drawn
    drawn_on = DateField(required=True)
    items = ListField(EmbeddedDocumentField(SpotItem))
    finished_at = DateTimeField()

    meta = {"collection": "spot_checks"}

    def __str__(self):
        return f"督导抽查 {self.drawn_on}"
