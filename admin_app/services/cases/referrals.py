"""Referrals (附件7): creation from a case, tracked status, late-feedback reminders."""

from datetime import timedelta

from bson import ObjectId
from mongoengine import Q

from ...core import clock
from ...documents import DomainError
from ...documents.case import Case, ReceivingUnit, Referral
from ...documents.constants import (
    CLOSED_STEPS,
    OPEN_REFERRAL_STATUSES,
    REFERRAL_FEEDBACK_DAYS,
    REFERRAL_STATUSES,
)
from .. import audit

STATUS_LABELS = dict(REFERRAL_STATUSES)
ORDER = [s for s, _ in REFERRAL_STATUSES]


def prepare_new(referral: Referral, user) -> None:
    """Server-set fields of a new referral: due date for feedback, first log line."""
    clock.refuse_future(referral.referred_on, "转介日期", "referred_on")
    clock.refuse_future(referral.filled_on, "填写日期", "filled_on")
    referral.status = "sent"
    referral.feedback_due = referral.referred_on + timedelta(days=REFERRAL_FEEDBACK_DAYS)
    referral.status_log = [
        {"at": clock.now(), "by": user.username, "status": "sent", "note": "转介"}
    ]


def case_in_scope(case_id: str | None, user) -> Case | None:
    """The case by id when it lies inside the user's place (None for no id; error otherwise)."""
    if not case_id:
        return None
    case = (
        Case.objects(pk=ObjectId(case_id)).order_by().first()
        if ObjectId.is_valid(case_id)
        else None
    )
    if case is None or not case.in_scope_of(user):
        raise DomainError("关联的案件不存在或不在您的管辖范围内。", "case")
    if case.step in CLOSED_STEPS:
        raise DomainError("该案件已办结，不能再转介。", "case")
    return case


def link_to_case(referral: Referral, user) -> None:
    """Attach a saved referral to its case (by id, inside the same place)."""
    if not referral.case:
        return
    if not ObjectId.is_valid(referral.case):
        raise DomainError("关联的案件不存在。", "case")
    result = Case._get_collection().update_one(
        {"_id": ObjectId(referral.case), "place_path": user.place},
        {"$addToSet": {"referrals": str(referral.pk)}},
    )
    if not result.matched_count:
        raise DomainError("关联的案件不存在或不在您的管辖范围内。", "case")


def set_status(referral: Referral, status: str, user, note: str = "") -> Referral:
    """Move a referral forward: 已转介 → 已接收 → 已反馈 → 已办结 (feedback needs its text)."""
    from . import is_archived

    if is_archived(referral.case):
        raise DomainError("案件已组卷归档，转介记录只读。", "status")
    if status not in ORDER or ORDER.index(status) <= ORDER.index(referral.status):
        raise DomainError(
            f"转介状态不能从“{STATUS_LABELS[referral.status]}”改为“{STATUS_LABELS.get(status, status)}”。",
            "status",
        )
    if status == "feedback" and not note.strip():
        raise DomainError("请填写接收单位的反馈内容。", "note")
    if status == "feedback":
        referral.feedback = note
    referral.status = status
    referral.status_log.append(
        {"at": clock.now(), "by": user.username, "status": status, "note": note}
    )
    referral.save_versioned(user, "该转介已被他人更新，请核对后重新提交。", "status")
    audit.record("update", referral, changes={"status": ["", STATUS_LABELS[status]]}, detail=note)
    return referral


def late(user, today=None):
    """Referrals inside the user's place whose feedback is overdue, the oldest due first
    (a query: all three conditions and the order answered from an index, indexes.py)."""
    today = today or clock.today()
    return (
        Referral.objects.in_scope(user)
        .filter(status__in=OPEN_REFERRAL_STATUSES, feedback_due__lt=today)
        .order_by("feedback_due")
    )


def unit_directory(user):
    """The units a user's directory lists: those of its own place and of every place above
    (a station refers to its county's units)."""
    return ReceivingUnit.objects(Q(place__in=list(user.place_path)) | Q(place_path=user.place))


def usable_units(user):
    """Units a user may refer to: the directory's units in use."""
    return unit_directory(user).filter(active=True)
