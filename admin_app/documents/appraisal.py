"""工作考核 (附件2 3.1.2: the township 儿童督导员 guides and evaluates the village 儿童主任;
附件3 督导考核; issue 16): the assessment sheet of one village's 儿童主任 for one period,
and the computed figures of a township kept for a short while."""

from mongoengine import DateTimeField, Document, IntField, StringField

from .base import ScopedDocument
from .constants import APPRAISAL_GRADES


class AppraisalSheet(ScopedDocument):
    """The 督导员's grade and comment on a village 儿童主任's work in a period, filed under
    the village (`place`); `_id` = "village|year|kind". `figures` keeps, as JSON, the
    figures the grade was given on (the sheet prints them; the page shows today's beside)."""

    id = StringField(primary_key=True)
    year = IntField(required=True)
    kind = StringField(required=True)  # H1, H2, year (services/reports/periods.py)
    director = StringField(max_length=40)  # the 儿童主任's user name when graded
    director_name = StringField(max_length=50)
    grade = StringField(choices=APPRAISAL_GRADES)
    comment = StringField(max_length=1000)
    figures = StringField()  # JSON: the figures when graded
    graded_by = StringField()
    graded_at = DateTimeField()

    meta = {"collection": "appraisal_sheets"}

    def __str__(self):
        return f"工作考核表 {self.year} {self.kind}"


class AppraisalFigures(Document):
    """What a township's visit books, histories and roster say for a period, as counts and
    dates that serve any day (services/appraisal: kept), read at `computed` (UTC) with the
    township's roster `token`: read again once the roster changed."""

    id = StringField(primary_key=True)  # "township|year|kind"
    token = StringField()
    form = IntField()  # the shape of `figures` (services/appraisal: FORM)
    computed = DateTimeField()
    figures = StringField()  # JSON

    meta = {"collection": "appraisal_figures"}


class WorkLedger(Document):
    """_id = township key: the head of a township's 工作考核 ledger (its change `token`,
    the `form` and horizon `since` it was built with); its entries are `WorkLedgerEntry`
    documents (services/appraisal/ledger.py)."""

    id = StringField(primary_key=True)
    form = IntField()
    since = StringField()
    token = StringField()

    meta = {"collection": "work_ledgers", "strict": False}


class WorkLedgerEntry(Document):
    """_id = child id: what 工作考核 needs of one archive's visit book and history, packed
    as one JSON string, filed under its township (read by `township`, a pushdown index:
    indexes.py). One small document per archive, so a visit rewrites its own entry, not
    the township's whole ledger (107 ms → 1 ms at 2,258 archives, docs/NOTES.md)."""

    id = StringField(primary_key=True)
    township = StringField(required=True)
    entry = StringField()

    meta = {"collection": "work_ledger_entries"}
