"""Home visits (附件2 五): the yearly plan and the visit records of one child.

Everything goes through the child's `VisitBook` by `_id` (= the child's id): one read by
`_id`, then `$push` / `$set` on that one document. After every change the roster row's
visit dates, the archive history and the audit log are updated.
"""

from datetime import date, timedelta
from uuid import uuid4

from mongoengine.errors import ValidationError

from ...core import clock, dates, periods
from ...documents import Conflict, DomainError, PlannedVisit, VisitBook, VisitRecord
from ...documents.constants import (
    FREQUENCY_PERIODS,
    PARENT_CONTACTS,
    RISK_LEVELS,
    VISIT_FREQUENCIES,
)
from .. import audit
from ..children import archive_history, attachments, roster
from .book import (
    KIND_LABELS,
    _collection,
    _push_plans,
    book_of,
    visit_dates,
)

RISK_LABELS = dict(RISK_LEVELS)
PARENT_CONTACT_LABELS = dict(PARENT_CONTACTS)
FREQUENCY_LABELS = {k: label for k, label, _ in VISIT_FREQUENCIES}
FINDINGS = (
    ("guardianship", "监护情况"),
    ("living", "生活情况"),
    ("study", "学习情况"),
    ("health", "健康情况"),
)
TEXT_LIMITS = {
    "visitors": 200,
    "guardianship": 1000,
    "living": 1000,
    "study": 1000,
    "health": 1000,
    "services": 1000,
    "risk_reason": 500,
    "follow_up_of": 200,
}
TEXT_LABELS = {
    "visitors": "走访人员",
    **dict(FINDINGS),
    "services": "提供的服务",
    "risk_reason": "风险原因",
    "follow_up_of": "回访的服务事项",
}
MATCH_DAYS = 7  # a visit fulfils a planned visit due up to this many days after it


def _require_active(child, what: str) -> None:
    if child.status != "active":
        raise DomainError(f"该档案已不在册，不能再{what}。")


def _refresh(child, user, action: str, changes: dict, note: str = "") -> None:
    """The roster row's visit dates and the archive history, after a change to the book."""
    dates = visit_dates(child.pk)
    roster.set_visit_dates(
        child,
        date.fromisoformat(dates["next_visit"]) if dates["next_visit"] else None,
        date.fromisoformat(dates["last_visit"]) if dates["last_visit"] else None,
    )
    archive_history.add_history(child, user, action, changes, note)


# ---- the plan (5.1) ----
def make_year_plan(child, year: int, user, start: date | None = None) -> list[date]:
    """Plan the visits of the rest of `year` at the child's visit frequency, by calendar
    period (core/periods.py: 每月一次 on the same day of every month).

    The first date is `start` when given, else the later of today (or 1 January of a
    future year) and one period after the last visit. A date is skipped when a visit is
    already planned in its period (so generating twice adds nothing). Returns the dates
    added.
    """
    today = clock.today()
    _require_active(child, "制定走访计划")
    if year < today.year or year > today.year + 1:
        raise DomainError("只能制定本年度或下一年度的走访计划。", "year")
    period = FREQUENCY_PERIODS.get(child.visit_frequency or "")
    if not period:
        raise DomainError("档案未设定走访频次，请先在档案中设定走访频次。", "year")
    book = book_of(child)
    if start is not None:
        if start.year != year:
            raise DomainError(f"起始日期须在 {year} 年内。", "start")
        if start < today:
            raise DomainError("起始日期不能早于今天。", "start")
        first = start
    else:
        first = max(today, date(year, 1, 1))
        last = max((v.date for v in book.visits), default=None) if book else None
        if last is not None:
            first = max(first, periods.next_after(last, period))
    taken = {periods.period_of(p.due, period) for p in book.plan} if book else set()
    added: list[date] = []
    for due in periods.dates_from(first, period, date(year, 12, 31)):
        if periods.period_of(due, period) not in taken:
            added.append(due)
    if not added:
        return []
    _push_plans(
        child,
        [
            PlannedVisit(due=d, kind="regular", note=f"{year}年度走访计划", added_by=user.username)
            for d in added
        ],
    )
    label = FREQUENCY_LABELS.get(child.visit_frequency, "")
    _refresh(
        child,
        user,
        "计划走访",
        {"计划走访日期": ["", "、".join(dates.cn_date(d) for d in added)]},
        f"生成{year}年度走访计划（{label}，共 {len(added)} 次）",
    )
    audit.record("update", child, detail=f"生成{year}年度走访计划：{len(added)} 次（{label}）")
    return added


def plan_new(child, user) -> list[date]:
    """A new archive's visit plan for the rest of this year at its frequency, made at once
    (no button to remember); nothing when it has no frequency or is not in the register."""
    if child.status != "active" or not FREQUENCY_PERIODS.get(child.visit_frequency or ""):
        return []
    return make_year_plan(child, clock.today().year, user)


def plan_new_many(children, user) -> dict:
    """`plan_new` for a block of new archives (an import): one insert of their visit books.
    New archives have no book yet. Returns {child: next visit date} for the roster rows
    (the caller writes them with the rows: roster.put_many)."""
    today = clock.today()
    books, next_dates = [], {}
    for child in children:
        period = FREQUENCY_PERIODS.get(child.visit_frequency or "")
        if child.status != "active" or not period:
            continue
        dues = list(periods.dates_from(today, period, date(today.year, 12, 31)))
        if not dues:
            continue
        note = f"{today.year}年度走访计划"
        plan = [
            PlannedVisit(due=d, kind="regular", note=note, added_by=user.username) for d in dues
        ]
        book = VisitBook(id=str(child.pk), place_path=list(child.place_path), plan=plan)
        book.validate()
        books.append(book.to_mongo())
        next_dates[child] = dues[0]
    if books:
        _collection().insert_many(books, ordered=False)
    return next_dates


def add_planned(child, due: date | None, kind: str, note: str, user) -> PlannedVisit:
    """An extra planned visit (5.1: 临时增加的家访需求，要及时在计划表中更新)."""
    today = clock.today()
    _require_active(child, "制定走访计划")
    if due is None:
        raise DomainError("请填写计划走访日期。", "due")
    if due < today:
        raise DomainError("计划走访日期不能早于今天。", "due")
    if kind not in KIND_LABELS:
        raise DomainError("请选择走访类型。", "kind")
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("说明不能超过 200 字。", "note")
    book = book_of(child)
    if book and any(p.due == due and p.kind == kind and not p.done_by for p in book.plan):
        raise DomainError("该日期已有相同类型的走访计划。", "due")
    entry = PlannedVisit(due=due, kind=kind, note=note or None, added_by=user.username)
    _push_plans(child, [entry])
    _refresh(
        child,
        user,
        "计划走访",
        {"计划走访日期": ["", f"{dates.cn_date(due)}（{KIND_LABELS[kind]}）"]},
        f"临时增加：{note}" if note else "临时增加",
    )
    audit.record("update", child, detail=f"增加计划走访：{due.isoformat()} {KIND_LABELS[kind]}")
    return entry


# ---- the visits (5.2–5.4) ----
def _next_visit(value, visit_day: date) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date):
        raise DomainError("下次走访日期格式不正确。", "next_visit")
    if value <= visit_day:
        raise DomainError("下次走访日期须晚于本次走访日期。", "next_visit")
    return value


def _clean(data: dict, child, today: date) -> dict:
    """The visit form's values checked; a DomainError names the first wrong field."""
    out = {k: (data.get(k) or "").strip() for k in TEXT_LIMITS}
    visit_day = data.get("date")
    if not isinstance(visit_day, date):
        raise DomainError("请填写走访日期。", "date")
    clock.refuse_future(visit_day, "走访日期", "date")
    if child.birth_date and visit_day < child.birth_date:
        raise DomainError("走访日期不能早于儿童出生日期。", "date")
    kind = data.get("kind") or ""
    if kind not in KIND_LABELS:
        raise DomainError("请选择走访类型。", "kind")
    if not out["visitors"]:
        raise DomainError("请填写走访人员。", "visitors")
    for name, limit in TEXT_LIMITS.items():
        if len(out[name]) > limit:
            raise DomainError(f"{TEXT_LABELS[name]}不能超过 {limit} 字。", name)
    if not any(out[name] for name, _ in FINDINGS):
        raise DomainError("请至少填写监护、生活、学习、健康情况中的一项走访发现。", "guardianship")
    risk = data.get("risk_level") or ""
    if risk and risk not in RISK_LABELS:
        raise DomainError("请选择风险等级。", "risk_level")
    if risk == "high" and not out["risk_reason"]:
        raise DomainError("评估为高风险时须填写风险原因。", "risk_reason")
    contact = data.get("parent_contact") or ""
    if contact and contact not in PARENT_CONTACT_LABELS:
        raise DomainError("请选择与外出父母的联系情况。", "parent_contact")
    next_visit = _next_visit(data.get("next_visit"), visit_day)
    if kind == "follow_up" and not out["follow_up_of"]:
        raise DomainError("跟踪回访须填写回访的服务事项。", "follow_up_of")
    return {
        **{k: v or None for k, v in out.items()},
        "date": visit_day,
        "kind": kind,
        "risk_level": risk or None,
        "parent_contact": contact or None,
        "next_visit": next_visit,
    }


def _reassess(child, level: str, reason: str | None, user) -> dict:
    """Update the archive's risk level through a versioned save; the changes made."""
    old_level, old_reason = child.risk_level, child.risk_reason
    child.risk_level = level
    if reason:
        child.risk_reason = reason
    try:
        child.save_versioned(
            user, "该档案刚刚已被他人修改，本次走访未保存。请刷新页面后重新提交。", "risk_level"
        )
    except Conflict:
        child.risk_level, child.risk_reason = old_level, old_reason
        raise
    except ValidationError as exc:
        child.risk_level, child.risk_reason = old_level, old_reason
        raise DomainError("风险等级无效。", "risk_level") from exc
    roster.put(child)
    changes = {"风险等级": [RISK_LABELS.get(old_level, ""), RISK_LABELS.get(level, "")]}
    if (child.risk_reason or "") != (old_reason or ""):
        changes["风险原因"] = [old_reason or "", child.risk_reason or ""]
    audit.record(
        "update",
        child,
        changes={"risk_level": [old_level or "", level]},
        detail="走访时风险再评估",
    )
    return changes


def _mark_done(child, visit: VisitRecord) -> date | None:
    """Append the visit and mark the earliest open planned visit it fulfils; its due date."""
    coll, cid = _collection(), str(child.pk)
    record, visit_id = visit.to_mongo().to_dict(), visit.id
    limit = visit.date + timedelta(days=MATCH_DAYS)
    for _attempt in range(3):
        book = book_of(child)
        match = None
        for i, p in enumerate(book.plan if book else []):
            if not p.done_by and p.due <= limit and (match is None or p.due < match[1]):
                match = (i, p.due)
        update = {"$push": {"visits": record}, "$set": {"place_path": list(child.place_path)}}
        if match is None:
            coll.update_one({"_id": cid}, update, upsert=True)
            return None
        i, due = match
        update["$set"][f"plan.{i}.done_by"] = visit_id
        # Only if that planned visit is still open (another visit may have taken it).
        result = coll.update_one({"_id": cid, f"plan.{i}.done_by": None}, update)
        if result.matched_count:
            return due
    coll.update_one(
        {"_id": cid},
        {"$push": {"visits": record}, "$set": {"place_path": list(child.place_path)}},
        upsert=True,
    )
    return None


MAX_VISIT_PHOTOS = 10


def record_visit(
    child,
    data: dict,
    user,
    photos=None,
    *,
    visit_id: str | None = None,
    made_at=None,
    location: str | None = None,
) -> VisitRecord:
    """Record a visit made (5.2–5.4).

    `data`: date, kind, visitors, guardianship, living, study, health, services,
    risk_level, risk_reason, next_visit, follow_up_of. `photos`: (file name, bytes) of
    photos or scans taken at the visit, all checked before anything is saved. A visit
    recorded on a phone brings its own id, the time it was recorded there (`made_at`) and,
    when the person allowed it, where (`location`, "lat,lng"). The visit fulfils the earliest
    open planned visit due by its date plus 7 days; `next_visit` becomes a new planned
    visit; a risk level other than the archive's updates the archive, unless the archive
    has a structured assessment (its grade then comes from assessments alone).
    """
    today = clock.today()
    _require_active(child, "登记走访")
    values = _clean(data, child, today)
    visit = VisitRecord(
        id=visit_id or uuid4().hex,
        recorded_by=user.username,
        recorded_at=clock.now(),
        made_at=made_at,
        location=location,
        **values,
    )
    try:
        visit.validate()
    except ValidationError as exc:
        name = next(iter(exc.errors or {}), None)
        raise DomainError("走访记录填写有误，请检查后重新提交。", name) from exc
    photos = [(name, data) for name, data in photos or [] if name or data]
    if len(photos) > MAX_VISIT_PHOTOS:
        raise DomainError(f"每次走访最多上传 {MAX_VISIT_PHOTOS} 个照片或扫描件。", "photos")
    for name, data in photos:  # every file checked before anything is saved
        try:
            attachments.check_upload(name, data)
        except DomainError as exc:
            raise DomainError(f"{name or '文件'}：{exc.message}", "photos") from exc
    for name, data in photos:
        visit.photo_ids.append(str(attachments.store(child, name, data, user, visit=visit.id).pk))
    changes = {
        "走访日期": ["", dates.cn_date(visit.date)],
        "走访类型": ["", KIND_LABELS[visit.kind]],
        "走访人员": ["", visit.visitors],
    }
    if visit.parent_contact:
        changes["与外出父母联系"] = ["", PARENT_CONTACT_LABELS[visit.parent_contact]]
    if values["risk_level"] and values["risk_level"] != child.risk_level:
        if child.last_assessment:
            # An assessed archive's grade comes from its assessments (services/assessments);
            # the visit keeps what its visitor judged.
            changes["走访时判断的风险等级"] = ["", RISK_LABELS.get(values["risk_level"], "")]
        else:
            changes.update(_reassess(child, values["risk_level"], values["risk_reason"], user))
    done_due = _mark_done(child, visit)
    if visit.next_visit:
        book = book_of(child)
        if not any(p.due == visit.next_visit and not p.done_by for p in book.plan):
            _push_plans(
                child,
                [
                    PlannedVisit(
                        due=visit.next_visit,
                        kind="follow_up" if visit.kind == "follow_up" else "regular",
                        note=f"{dates.cn_date(visit.date)}走访时约定",
                        added_by=user.username,
                    )
                ],
            )
        changes["下次走访日期"] = ["", dates.cn_date(visit.next_visit)]
    note = f"完成{dates.cn_date(done_due)}的计划走访" if done_due else ""
    if visit.kind == "follow_up":
        note = "；".join(x for x in (note, f"跟踪回访：{visit.follow_up_of}") if x)
    _refresh(child, user, "走访", changes, note)
    audit.record(
        "create",
        child,
        detail=f"登记走访：{visit.date.isoformat()} {KIND_LABELS[visit.kind]}",
    )
    return visit
