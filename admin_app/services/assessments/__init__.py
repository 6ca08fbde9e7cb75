"""监护状况评估 and 风险等级评估 of a child (4.2.1, 4.2.3; issue 15).

An assessment answers every item of the current indicator list (scale.py) at a visit or
on its own; its result names the guardianship outcome and the risk grade, and from the
grade the archive takes its visit frequency, its risk level (with the items found as the
reason) and the date of the next assessment (a to-do from that day: services/figures/
todos.py). The assessment keeps the version of the list it used, in the child's book
(documents/assessment.py), read and written by the child's `_id`.
"""

from datetime import date, timedelta
from uuid import uuid4

from mongoengine import ValidationError

from ...core import clock, dates, periods
from ...core.errors import Conflict
from ...documents.assessment import Assessment, AssessmentBook
from ...documents.base import DomainError
from ...documents.constants import (
    GUARDIANSHIP_OUTCOMES,
    RISK_LEVELS,
    VISIT_FREQUENCIES,
)
from ...documents.visit import VisitBook
from .. import audit
from ..children import roster
from ..children.archive_history import add_history
from . import scale as scales

OUTCOME_LABELS = dict(GUARDIANSHIP_OUTCOMES)
GRADE_LABELS = dict(RISK_LEVELS)
FREQUENCY_LABELS = {code: label for code, label, _ in VISIT_FREQUENCIES}
ASSESSORS = ("station", "social_worker", "village")  # views/permissions.py: SCREENS
VISIT_DAYS = 30  # a visit an assessment may be made at: of the last 30 days
NOTE_LIMIT = 1000


def book_of(child) -> AssessmentBook | None:
    return AssessmentBook.objects(pk=str(child.pk)).first()


def history(child) -> list[Assessment]:
    """The child's assessments, newest first."""
    book = book_of(child)
    return (
        sorted(book.entries, key=lambda e: (e.assessed_on, e.recorded_at), reverse=True)
        if book
        else []
    )


def entry_of(child, entry_id: str) -> Assessment | None:
    book = book_of(child)
    return next((e for e in book.entries if e.id == entry_id), None) if book else None


def recent_visits(child, today: date | None = None) -> list:
    """The child's visits of the last VISIT_DAYS days (newest first): an assessment may be
    made at one of them."""
    today = today or clock.today()
    book = VisitBook.objects(pk=str(child.pk)).only("visits").first()
    since = today - timedelta(days=VISIT_DAYS)
    found = [v for v in (book.visits if book else []) if v.date >= since]
    return sorted(found, key=lambda v: v.date, reverse=True)


def _check(child, data: dict, scale, today: date) -> dict:
    if child.status != "active":
        raise DomainError("该儿童已不在册，不能再评估。", "assessed_on")
    day = data.get("assessed_on")
    if not isinstance(day, date):
        raise DomainError("请填写评估日期。", "assessed_on")
    clock.refuse_future(day, "评估日期", "assessed_on")
    if child.birth_date and day < child.birth_date:
        raise DomainError("评估日期不能早于儿童出生日期。", "assessed_on")
    assessors = (data.get("assessors") or "").strip()
    if not assessors:
        raise DomainError("请填写评估人。", "assessors")
    if len(assessors) > 200:
        raise DomainError("评估人不能超过 200 字。", "assessors")
    note = (data.get("note") or "").strip()
    if len(note) > NOTE_LIMIT:
        raise DomainError(f"评估说明不能超过 {NOTE_LIMIT} 字。", "note")
    visit = (data.get("visit") or "").strip()
    if visit:
        made = next((v for v in recent_visits(child, today) if v.id == visit), None)
        if made is None:
            raise DomainError(f"所选走访不是该儿童近 {VISIT_DAYS} 天内的走访。", "visit")
        day = made.date  # an assessment at a visit is of the visit's day
    answers = scales.check_answers(scale, data.get("answers") or {})
    return {
        "day": day,
        "assessors": assessors,
        "note": note or None,
        "visit": visit or None,
        "answers": answers,
    }


def _reason(result) -> str:
    head = f"监护状况评估：{OUTCOME_LABELS[result.outcome]}，得分 {result.total}"
    found = "；".join(result.found)
    return (f"{head}。{found}" if found else f"{head}。")[:500]


def assess(child, data: dict, user) -> Assessment:
    """Make an assessment (data: assessed_on, assessors, note, visit, answers {code: index})
    on the current indicator list and carry its result onto the archive. Raises DomainError
    (nothing saved) or Conflict (the archive changed meanwhile)."""
    if user.role not in ASSESSORS:
        raise DomainError("只有未保站人员和村（居）儿童主任可以进行评估。", "assessed_on")
    today = clock.today()
    scale = scales.current()
    values = _check(child, data, scale, today)
    result = scales.grade_of(scale, values["answers"])
    latest = history(child)
    newest = latest[0] if latest else None
    next_due = periods.next_after(values["day"], result.reassess)
    entry = Assessment(
        id=uuid4().hex,
        assessed_on=values["day"],
        assessors=values["assessors"],
        visit=values["visit"],
        scale_version=scale.id,
        answers={k: v for k, v in values["answers"].items()},
        total=result.total,
        by_group=result.by_group,
        outcome=result.outcome,
        grade=result.grade,
        previous_grade=child.risk_level or None,
        frequency=result.frequency,
        next_due=next_due,
        note=values["note"],
        recorded_by=user.username,
        recorded_at=clock.now(),
    )
    entry.validate()
    # The archive: only the newest assessment (by its day) speaks for it.
    is_newest = newest is None or values["day"] >= newest.assessed_on
    old_frequency = child.visit_frequency
    changes = _carry(child, entry, result, user) if is_newest else {}
    AssessmentBook._get_collection().update_one(
        {"_id": str(child.pk)},
        {
            "$push": {"entries": entry.to_mongo().to_dict()},
            "$set": {"place_path": list(child.place_path)},
        },
        upsert=True,
    )
    changes = {
        "评估日期": ["", dates.cn_date(entry.assessed_on)],
        "监护状况": ["", OUTCOME_LABELS[entry.outcome]],
        **changes,
    }
    add_history(
        child,
        user,
        "监护与风险评估",
        changes,
        f"评估指标第 {scale.id} 版，得分 {entry.total}"
        + ("" if is_newest else "（补录较早的评估，档案以最近一次评估为准）"),
    )
    audit.record(
        "update",
        child,
        changes={"assessment": ["", f"{entry.outcome}/{entry.grade}/{entry.total}"]},
        detail=f"监护与风险评估：{OUTCOME_LABELS[entry.outcome]}，{GRADE_LABELS[entry.grade]}",
    )
    if is_newest and entry.frequency != old_frequency:
        _plan(child, user)
    return entry


def _carry(child, entry: Assessment, result, user) -> dict:
    """The archive takes the grade, its reason, the frequency and the next date (a
    versioned save); the changes as the history shows them."""
    before = {
        "risk_level": child.risk_level,
        "risk_reason": child.risk_reason,
        "visit_frequency": child.visit_frequency,
        "guardianship_outcome": child.guardianship_outcome,
        "last_assessment": child.last_assessment,
        "next_assessment": child.next_assessment,
    }
    child.risk_level = entry.grade
    child.risk_reason = _reason(result)
    child.visit_frequency = entry.frequency
    child.guardianship_outcome = entry.outcome
    child.last_assessment = entry.assessed_on
    child.next_assessment = entry.next_due
    try:
        child.save_versioned(
            user, "该档案刚刚已被他人修改，本次评估未保存。请刷新页面后重新提交。", "assessed_on"
        )
    except (Conflict, ValidationError) as exc:
        for name, value in before.items():
            setattr(child, name, value)
        if isinstance(exc, ValidationError):
            raise DomainError("评估结果无法写入档案，请检查档案信息。", "assessed_on") from exc
        raise
    roster.put(child)
    changes = {}
    if before["risk_level"] != entry.grade:
        changes["风险等级"] = [
            GRADE_LABELS.get(before["risk_level"], ""),
            GRADE_LABELS[entry.grade],
        ]
    if before["visit_frequency"] != entry.frequency:
        changes["走访频次"] = [
            FREQUENCY_LABELS.get(before["visit_frequency"], ""),
            FREQUENCY_LABELS.get(entry.frequency, ""),
        ]
    changes["下次评估日期"] = [
        dates.cn_date(before["next_assessment"]) if before["next_assessment"] else "",
        dates.cn_date(entry.next_due),
    ]
    return changes


def _plan(child, user) -> None:
    """A changed visit frequency fills the rest of the year's plan at the new frequency
    (a period already planned keeps its visit)."""
    from .. import visits

    try:
        visits.make_year_plan(child, clock.today().year, user)
    except DomainError:
        pass  # nothing to plan (an archive without a frequency cannot come from here)


def rose_to_top(entry: Assessment) -> bool:
    """Whether this assessment raised the child to the top grade (the page then offers to
    open a case)."""
    top = RISK_LEVELS[-1][0]
    return entry.grade == top and entry.previous_grade != top


def follow(child) -> None:
    """A moved archive's assessments follow it (called by the transfer)."""
    AssessmentBook._get_collection().update_one(
        {"_id": str(child.pk)}, {"$set": {"place_path": list(child.place_path)}}
    )
