"""监护状况评估 and 风险等级评估 (4.2.1, 4.2.3; issue 15).

The indicator list is data: each version a record of its own, never changed once written
(the province's edit writes the next version), so an assessment keeps the version it used
and reads the same forever. A child's assessments live in one book per child (`_id` = the
child's id), like the visit book: read and written by `_id`, following the archive when it
moves.
"""

from mongoengine import (
    DateField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from .constants import GUARDIANSHIP_OUTCOMES, RISK_LEVELS


class AssessmentScale(Document):
    """One version of the indicator list (`_id` = the version number, from 1)."""

    id = IntField(primary_key=True)
    items = ListField(DictField())  # code, group, aspect, text, weight, options, source
    grades = ListField(DictField())  # code, min_score, frequency, reassess (lowest first)
    aspects = DictField()  # aspect -> the weighted score that names the outcome
    note = StringField(max_length=200)
    made_by = StringField()
    made_at = DateTimeField()

    meta = {"collection": "assessment_scales"}


class Assessment(EmbeddedDocument):
    """One assessment of a child: the answers and what they gave, under the scale's version."""

    id = StringField(required=True)
    assessed_on = DateField(required=True)
    assessors = StringField(required=True, max_length=200)
    visit = StringField()  # the visit it was made at (visit book id), else made on its own
    scale_version = IntField(required=True)
    answers = DictField()  # item code -> index of the chosen answer
    total = IntField(required=True)
    by_group = DictField()
    outcome = StringField(required=True, choices=GUARDIANSHIP_OUTCOMES)
    grade = StringField(required=True, choices=RISK_LEVELS)
    previous_grade = StringField()
    frequency = StringField()
    next_due = DateField()
    note = StringField(max_length=1000)
    recorded_by = StringField()
    recorded_at = DateTimeField()


class AssessmentBook(Document):
    """_id = child id: the child's assessments, oldest first."""

    id = StringField(primary_key=True)
    place_path = ListField(StringField())
    entries = ListField(EmbeddedDocumentField(Assessment))

    meta = {"collection": "assessment_books"}
