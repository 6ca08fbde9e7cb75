"""Cases from report to archive (附件4) and the three official forms (附件5, 附件6, 附件7).

Each form is its own record (its fields in the seed's order); a case links to the forms
it was opened from or produced. An anonymous reporter's name and contact are stored
encrypted (admin_app/crypto.py) and shown only to ANONYMOUS_REPORTER_ROLES.
"""

from mongoengine import (
    BinaryField,
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from ..core import clock
from .base import DomainError, PlaceKeyed, ScopedDocument
from .constants import (
    CASE_CHANNELS,
    CASE_CLASSES,
    CASE_STEPS,
    CONFERENCE_PARTIES,
    GENDERS,
    HARM,
    REFERRAL_STATUSES,
    REPORT_METHODS,
    REPORTER_IDENTITIES,
    RISK,
    UNIT_KINDS,
)

TEXT = 2000  # long narrative fields


class ChildInfo(EmbeddedDocument):
    """未成年人信息, as every form lists it."""

    child = StringField()  # the archive's id when the child is registered
    name = StringField(required=True, max_length=50)
    gender = StringField(choices=GENDERS)
    age = IntField(min_value=0, max_value=17)
    address = StringField(max_length=200)
    phone = StringField(max_length=30)
    guardian_name = StringField(max_length=50)
    guardian_identity = StringField(max_length=50)  # 身份 (relation to the child)
    guardian_phone = StringField(max_length=30)


class Perpetrator(EmbeddedDocument):
    """疑似施害者."""

    name = StringField(max_length=50)
    identity = StringField(max_length=50)
    address = StringField(max_length=200)
    phone = StringField(max_length=30)


class HelpRequest(ScopedDocument):
    """附件5 未成年人疑似伤害事件求助登记表."""

    child_info = EmbeddedDocumentField(ChildInfo, required=True)
    location = StringField(max_length=200)  # 地点
    occurred_at = DateTimeField()  # 时间
    occurred_note = StringField(max_length=50)  # the time in words when not exact: 晚8时许
    account = StringField(max_length=TEXT)  # 具体经过
    perpetrator = EmbeddedDocumentField(Perpetrator)
    attachment_note = StringField(max_length=TEXT)  # 附件（文字记录、图片等相关证明）
    attachment_ids = ListField(StringField())
    filled_by = StringField(max_length=50)  # 填写人
    filled_on = DateField()  # 填写日期
    case = StringField()

    meta = {"collection": "help_requests", "indexes": ["place_path"]}

    def __str__(self):
        return f"求助登记：{self.child_info.name if self.child_info else ''}"


class MandatoryReport(ScopedDocument):
    """附件6 未成年人保护强制报告登记表."""

    reporter_public = BooleanField(default=True)  # 公开或匿名
    reporter_name = StringField(max_length=50)  # plain only when public
    reporter_contact = StringField(max_length=50)
    reporter_name_enc = StringField()  # encrypted when anonymous
    reporter_contact_enc = StringField()
    reporter_identity = StringField(choices=REPORTER_IDENTITIES)
    reporter_identity_note = StringField(max_length=100)
    report_method = StringField(choices=REPORT_METHODS)
    report_method_note = StringField(max_length=100)
    reported_at = DateTimeField(required=True)  # 报告时间 to the minute
    reported_note = StringField(max_length=50)  # beside it, in words: 晚8时许
    child_info = EmbeddedDocumentField(ChildInfo, required=True)
    scene = StringField(max_length=200)  # 案件发生地
    occurred_at = DateTimeField()  # 发生时间
    occurred_note = StringField(max_length=50)
    account = StringField(max_length=TEXT)  # 案件经过
    perpetrator = EmbeddedDocumentField(Perpetrator)
    physical_state = StringField(max_length=TEXT)
    mental_state = StringField(max_length=TEXT)
    behaviour = StringField(max_length=TEXT)
    child_view = StringField(max_length=TEXT)  # 未成年人对伤害案件的认知与评价
    attachment_note = StringField(max_length=TEXT)
    attachment_ids = ListField(StringField())
    filled_by = StringField(max_length=50)
    filled_on = DateField()
    case = StringField()

    meta = {"collection": "mandatory_reports", "indexes": ["place_path"]}

    def __str__(self):
        return f"强制报告：{self.child_info.name if self.child_info else ''}"


class ReceivingUnit(ScopedDocument):
    """A unit referrals go to (转介接收单位), kept in a directory per county or township."""

    name = StringField(required=True, max_length=100)
    kind = StringField(required=True, choices=UNIT_KINDS)
    address = StringField(max_length=200)
    contact_name = StringField(max_length=50)
    contact_phone = StringField(max_length=30)
    active = BooleanField(default=True)

    meta = {"collection": "receiving_units", "indexes": ["place_path"], "ordering": ["name"]}

    def __str__(self):
        return self.name


class Referral(ScopedDocument):
    """附件7 未成年人保护服务转介记录表, with its tracked status."""

    referred_on = DateField(required=True)  # 年 月 日 at the top of the form
    child_info = EmbeddedDocumentField(ChildInfo, required=True)
    reason = StringField(required=True, max_length=TEXT)  # 转介理由
    unit = StringField()  # ReceivingUnit id
    unit_name = StringField(required=True, max_length=100)  # 转介接收单位 (as it was)
    unit_address = StringField(max_length=200)
    unit_contact_name = StringField(max_length=50)  # 对接负责人姓名
    unit_contact_phone = StringField(max_length=30)  # 联系方式
    follow_up_plan = StringField(max_length=TEXT)  # 未保工作站后续跟进计划
    filled_by = StringField(max_length=50)
    filled_on = DateField()
    status = StringField(choices=REFERRAL_STATUSES, default="sent")
    feedback_due = DateField()
    feedback = StringField(max_length=TEXT)
    status_log = ListField(DictField())  # {at, by, status, note}
    case = StringField()

    meta = {"collection": "referrals", "indexes": ["place_path"]}

    def __str__(self):
        return f"转介：{self.child_info.name if self.child_info else ''} → {self.unit_name}"


class CaseEvent(EmbeddedDocument):
    """One recorded step: who, when, what was done and why."""

    step = StringField(required=True, choices=CASE_STEPS)
    at = DateTimeField(default=clock.now)  # when it was recorded
    happened_at = DateTimeField()  # when it happened, when not at recording (a visit)
    by = StringField()
    by_name = StringField()
    done = ListField(StringField())  # codes of what was done (interventions, services …)
    note = StringField(max_length=TEXT)
    reason = StringField(max_length=TEXT)  # why (required when skipping a step)


class Conference(EmbeddedDocument):
    """个案会商 (6.2)."""

    held_on = DateField(required=True)
    parties = ListField(StringField(choices=CONFERENCE_PARTIES))
    people = StringField(max_length=500)
    decisions = StringField(required=True, max_length=TEXT)
    escalated = BooleanField(default=False)  # 提请县（区）未保办会商
    recorded_by = StringField()


class Case(ScopedDocument):
    """A case of the discovery-report-disposal flow (附件4)."""

    number = StringField(required=True, unique=True)
    channel = StringField(required=True, choices=CASE_CHANNELS)
    klass = StringField(choices=CASE_CLASSES)
    child_info = EmbeddedDocumentField(ChildInfo, required=True)
    summary = StringField(max_length=TEXT)
    reported_at = DateTimeField(required=True)
    serious_harm = BooleanField(default=False)  # 严重家庭暴力或不法侵害 (5.2)
    first_visit_due = DateTimeField()
    first_visit_at = DateTimeField()
    harm = StringField(choices=HARM)
    risk = StringField(choices=RISK)
    step = StringField(choices=CASE_STEPS, default="intake")
    events = ListField(EmbeddedDocumentField(CaseEvent))
    conferences = ListField(EmbeddedDocumentField(Conference))
    help_request = StringField()
    mandatory_report = StringField()
    referrals = ListField(StringField())
    open_follow_ups = IntField(default=0)  # follow-up visits planned and not yet made
    archived_at = DateTimeField()
    dossier = StringField()  # attachment id of the archived dossier (.docx)

    meta = {"collection": "cases", "indexes": ["place_path"], "ordering": ["-reported_at"]}

    def __str__(self):
        return f"{self.number} {self.child_info.name if self.child_info else ''}"

    def timeline(self) -> list:
        """The events in the order they happened (a visit recorded later sits at its time)."""
        return sorted(self.events or [], key=lambda e: e.happened_at or e.at)


class Dossier(PlaceKeyed):
    """The dossier (.docx) of an archived case, rendered once when the case is archived.

    _id = the case's id. Written once and never changed: like the archived case, the
    dossier is read-only (`save` only inserts; a second insert fails on the _id).
    """

    id = StringField(primary_key=True)
    data = BinaryField(required=True)
    sha256 = StringField(required=True, max_length=64)
    created_at = DateTimeField(default=clock.now)
    created_by = StringField()

    meta = {"collection": "dossiers", "indexes": ["place_path"]}

    def save(self, *args, **kwargs):
        if not kwargs.get("force_insert"):
            raise DomainError("案卷已归档，只读。")
        return super().save(*args, **kwargs)

    def __str__(self):
        return f"案卷：{self.id}"
