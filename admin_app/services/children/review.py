"""The township 儿童督导员's review of an archive a village 儿童主任 made or changed (4.1.1):
审核通过, 退回修改 with a comment, and the deadlines counted again when the province changes
a year's 放假调休 arrangement. Whether an archive needs review: archive.needs_review."""

from datetime import datetime

from ...core import clock, dates
from ...documents import Child, DomainError, Place
from ...documents.constants import REVIEW_WORKDAYS, TOWNSHIP
from .. import audit
from ..workdays import WorkCalendar, add_workdays
from . import roster
from .archive_history import add_history


def review(child: Child, user, note: str = "") -> None:
    """The township 儿童督导员 reviews an archive pending since a 儿童主任's change."""
    if child.review_status != "pending":
        raise DomainError("该档案不需要审核。")
    child.review_status, child.reviewed_by, child.reviewed_at = (
        "reviewed",
        user.username,
        clock.now(),
    )
    child.save_versioned(user)
    roster.put(child)
    add_history(child, user, "审核通过", {"审核状态": ["待督导员审核", "已审核"]}, note)
    audit.record(
        "update", child, changes={"review_status": ["pending", "reviewed"]}, detail="档案审核"
    )


def return_for_changes(child: Child, user, comment: str) -> None:
    """The township 儿童督导员 sends a pending archive back to the village 儿童主任 with what
    to change (退回修改); it shows on the 儿童主任's to-dos until they save it again."""
    if child.review_status != "pending":
        raise DomainError("只有待审核的档案可以退回修改。")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("请填写退回意见，说明需要修改的内容。", "comment")
    if len(comment) > 500:
        raise DomainError("退回意见不能超过 500 字。", "comment")
    child.review_status, child.review_comment = "returned", comment
    child.reviewed_by, child.reviewed_at = user.username, clock.now()
    child.save_versioned(user)
    roster.put(child)
    add_history(child, user, "退回修改", {"审核状态": ["待督导员审核", "已退回修改"]}, comment)
    audit.record(
        "update",
        child,
        changes={"review_status": ["pending", "returned"]},
        detail=f"档案退回修改：{comment}",
    )


def reschedule_reviews(user) -> int:
    """Count the pending reviews' deadlines again (the province changed a year's 放假调休
    arrangement, which governs every deadline): returns how many deadlines moved."""
    calendar = WorkCalendar()
    moved = 0
    townships = [p["_id"] for p in Place._get_collection().find({"level": TOWNSHIP}, {"_id": 1})]
    for township in townships:
        for row in roster.township_rows(township):
            if row.get("review") != "pending":
                continue
            child = Child.objects(pk=row["id"]).order_by().first()
            if child is None or child.review_status != "pending":
                continue
            since = child.review_since or clock.local_date(child.updated_at)
            due = add_workdays(since, REVIEW_WORKDAYS, calendar)
            if (due.due, due.exact) == (child.review_due, child.review_due_exact):
                continue
            old = child.review_due
            done = Child._get_collection().update_one(
                {"_id": child.pk, "version": child.version},
                {
                    "$set": {
                        "review_due": datetime(due.due.year, due.due.month, due.due.day),
                        "review_due_exact": due.exact,
                    },
                    "$inc": {"version": 1},
                },
            )
            if not done.modified_count:
                continue  # changed meanwhile: its next save counts the deadline again
            child.reload()
            roster.put(child)
            add_history(
                child,
                user,
                "审核期限调整",
                {"审核期限": [dates.cn_date(old), dates.cn_date(due.due)]},
                "按自治区民政厅录入的放假调休安排重新计算",
            )
            moved += 1
    return moved
