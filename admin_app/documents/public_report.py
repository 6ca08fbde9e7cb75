"""Reports of harm from outside the platform (附件4 step 1 多渠道, 附件6 微信/信箱/邮箱):
sent by anyone on a station's public page (its QR code), or taken on the hotline by a
clerk as a work order. Each waits in the station's 待受理 inbox until a clerk accepts it
(it becomes a 附件6 and a case) or rejects it with a reason."""

from mongoengine import BooleanField, DateTimeField, Document, ListField, StringField

from .base import ScopedDocument
from .constants import (
    GENDERS,
    PUBLIC_CHANNELS,
    PUBLIC_REJECT_REASONS,
    PUBLIC_RELATIONS,
    PUBLIC_STATUSES,
)


class PublicReport(ScopedDocument):
    """One report from outside, filed under the station's township."""

    channel = StringField(required=True, choices=PUBLIC_CHANNELS)
    station = StringField()  # the station whose public page it came from
    sent_at = DateTimeField(required=True)  # when the server received it (or the call came)
    due = DateTimeField(required=True)  # to be accepted or rejected by then
    child_name = StringField(max_length=50)
    child_age = StringField(max_length=20)
    child_gender = StringField(choices=GENDERS)
    where = StringField(max_length=200)
    what = StringField(required=True, max_length=2000)
    danger_now = BooleanField(default=False)
    relation = StringField(choices=[(k, label) for k, label, _ in PUBLIC_RELATIONS])
    anonymous = BooleanField(default=True)
    reporter_name_enc = StringField()  # encrypted (crypto.py), like 附件6's anonymous reporter
    reporter_contact_enc = StringField()
    photo_ids = ListField(StringField())
    status = StringField(required=True, choices=PUBLIC_STATUSES, default="new")
    decided_by = StringField()
    decided_at = DateTimeField()
    reject_reason = StringField(choices=PUBLIC_REJECT_REASONS)
    reject_note = StringField(max_length=200)
    case = StringField()
    mandatory_report = StringField()

    meta = {"collection": "public_reports"}

    def __str__(self):
        return f"群众报告：{self.child_name or '儿童姓名不详'}"


class PublicReceipt(Document):
    """The sender's receipt: `_id` = sha256 of the code they were given (never stored)."""

    id = StringField(primary_key=True)
    report = StringField(required=True)

    meta = {"collection": "public_receipts"}


class ChannelSwitch(Document):
    """The province's switch of the public report pages (`_id` = "public_reports")."""

    id = StringField(primary_key=True)
    open = BooleanField(default=True)
    changed_by = StringField()
    changed_at = DateTimeField()

    meta = {"collection": "channel_switches"}
