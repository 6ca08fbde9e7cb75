"""The discovery-report-disposal flow of 附件4: which step may follow which, and the guards.

Views call `open_case`, `advance`, `record_first_visit`, `add_conference`; nothing else
changes a case's step.
"""

import hashlib
from datetime import timedelta

from bson import ObjectId
from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument

from ...core import clock, dates
from ...documents import Conflict, DomainError, Place
from ...documents.case import Case, CaseEvent, ChildInfo, Conference, Dossier, Referral
from ...documents.constants import (
    CASE_STEPS,
    CLOSED_STEPS,
    CONSULT_CLASSES,
    FIRST_VISIT_HOURS,
    OPEN_REFERRAL_STATUSES,
    TOWNSHIP,
    VILLAGE,
)
from .. import audit

STEP_LABELS = dict(CASE_STEPS)
CASE_CONFLICT = "该案件已被他人更新，请核对后重新提交。"
# The flowchart's arrows. A 中高危 assessment goes to 强制干预; skipping it needs a reason.
NEXT = {
    "intake": ("classified",),
    "classified": ("assessed", "consult_closed"),
    "assessed": ("intervention", "placement"),
    "intervention": ("placement",),
    "placement": ("referral", "follow_up"),
    "referral": ("follow_up",),
    "follow_up": ("referral", "archived"),
    "archived": (),
    "consult_closed": (),
}


def allowed_next(case: Case) -> tuple[str, ...]:
    """The steps the flowchart offers from where the case stands."""
    options = NEXT.get(case.step, ())
    if case.step == "classified":
        return ("consult_closed",) if case.klass in CONSULT_CLASSES else ("assessed",)
    return options


def next_number(township: str, year: int) -> str:
    """案件编号: <township code>-<year>-<sequence>, from an atomic counter."""
    counters = Case._get_db()["counters"]
    doc = counters.find_one_and_update(
        {"_id": f"case:{township}:{year}"},
        {"$inc": {"seq": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    code = (Place.info(township) or {}).get("code", township)
    return f"{code[:9]}-{year}-{doc['seq']:04d}"


def case_place(user, child_village: str | None, township: str | None = None) -> str:
    """A case belongs to the child's village when known, else to the user's township (or
    the township a report came to, inside the user's place: a county takes the reports
    of a township whose station has no account)."""
    if township and not child_village:
        info = Place.info(township)
        if info is None or info["level"] != TOWNSHIP or user.place not in info["place_path"]:
            raise DomainError("只能受理您管辖范围内的报告。")
        return township
    if child_village:
        info = Place.info(child_village)
        if info is None or info["level"] != VILLAGE or user.place not in info["place_path"]:
            raise DomainError("只能为您管辖范围内的儿童立案。", "child")
        return child_village
    info = Place.info(user.place) or {}
    if info.get("level") not in (TOWNSHIP, VILLAGE):
        raise DomainError("案件由乡镇（街道）未保站受理。")
    return user.place


def open_case(
    user,
    *,
    channel,
    child_info: ChildInfo,
    reported_at,
    summary="",
    serious_harm=False,
    village=None,
    help_request=None,
    mandatory_report=None,
    township=None,
) -> Case:
    """发现报告: open a case; a serious case gets its first home visit due in 24 hours (5.2)."""
    clock.refuse_future(reported_at, "报告时间", "reported_at")
    place = case_place(user, village, township)
    case = Case(
        channel=channel,
        child_info=child_info,
        summary=summary,
        reported_at=reported_at,
        serious_harm=bool(serious_harm),
        help_request=help_request,
        mandatory_report=mandatory_report,
    )
    case.set_place(place)
    township = case.place_path[3] if len(case.place_path) > 3 else place
    case.number = next_number(township, clock.today().year)
    if case.serious_harm:
        case.first_visit_due = reported_at + timedelta(hours=FIRST_VISIT_HOURS)
    # The report happened when it was reported, not when it was typed in: the timeline
    # starts there even when the clerk enters it after the first visit.
    case.events = [
        CaseEvent(
            step="intake",
            by=user.username,
            by_name=user.display_name,
            note=summary,
            happened_at=reported_at,
        )
    ]
    case.save_new(user)
    audit.record("create", case, detail=f"立案 {case.number}")
    return case


def advance(
    case: Case, to: str, user, *, done=(), note="", reason="", klass=None, harm=None, risk=None
) -> Case:
    """Move the case one arrow along the flowchart, recording who, when, what and why."""
    if to not in allowed_next(case):
        raise DomainError(
            f"流程不允许从“{STEP_LABELS.get(case.step)}”转到“{STEP_LABELS.get(to, to)}”。", "to"
        )
    if case.step == "intake":
        if not klass:
            raise DomainError("请选择分类（政策咨询、事件咨询、报告案例或求助案例）。", "klass")
        case.klass = klass
    if to == "assessed":
        if harm not in ("suspected", "none") or risk not in ("low", "mid_high"):
            raise DomainError("危机评估须选择是否疑似伤害和危险程度（低危/中高危）。", "risk")
        case.harm, case.risk = harm, risk
    if (
        case.step == "assessed"
        and to == "placement"
        and case.risk == "mid_high"
        and not reason.strip()
    ):
        raise DomainError("中高危个案须先强制干预；如不干预，请填写理由。", "reason")
    if to == "archived":
        guard_archive(case)
    before = case.step
    case.step = to
    case.events.append(
        CaseEvent(
            step=to,
            by=user.username,
            by_name=user.display_name,
            done=list(done),
            note=note,
            reason=reason,
        )
    )
    if to == "archived":
        case.archived_at = clock.now()
        case.dossier = str(case.pk)
    dossier = None
    if to == "archived":
        # The dossier is rendered before anything is written: if it cannot be made, the
        # case stays where it was (in the database and in memory).
        try:
            dossier = render_dossier(case)
        except Exception:
            case.reload()
            raise
    case.save_versioned(user, CASE_CONFLICT)
    audit.record(
        "update",
        case,
        changes={"step": [STEP_LABELS[before], STEP_LABELS[to]]},
        detail=note or reason,
    )
    if dossier is not None:
        # Stored only by the one archive that won the save above; should this insert fail,
        # the archived case has no dossier yet and the download stores it (store_dossier).
        store_dossier(case, user, data=dossier)
    return case


def render_dossier(case: Case) -> bytes:
    from .. import word

    return word.render_dossier(case)


def store_dossier(case: Case, user, data: bytes | None = None) -> Dossier:
    """Store the dossier of an archived case, once: it is never rewritten (read-only)."""
    if case.step != "archived":
        raise DomainError("只有组卷归档的案件才有案卷。")
    if Dossier.objects(pk=str(case.pk)).only("id").first() is not None:
        raise DomainError("案件已组卷归档，案卷只读，不能重新生成。")
    data = render_dossier(case) if data is None else data
    dossier = Dossier(
        id=str(case.pk),
        place_path=list(case.place_path),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=clock.now(),
        created_by=getattr(user, "username", None),
    )
    try:
        dossier.save(force_insert=True)
    except NotUniqueError as exc:  # stored at the same moment by someone else
        raise DomainError("案件已组卷归档，案卷只读，不能重新生成。") from exc
    audit.record("create", dossier, detail=f"组卷归档：生成案卷 {case.number}")
    return dossier


def guard_archive(case: Case) -> None:
    """No archive while a referral awaits feedback or a follow-up visit is open."""
    waiting = [
        r
        for r in Referral.objects(pk__in=case.referrals or [])
        if r.status in OPEN_REFERRAL_STATUSES
    ]
    if waiting:
        raise DomainError(f"尚有 {len(waiting)} 个转介未收到反馈，不能组卷归档。")
    if case.open_follow_ups:
        raise DomainError("尚有未完成的跟踪回访，不能组卷归档。")
    if case.serious_harm and not case.first_visit_at:
        raise DomainError("严重个案尚未记录首次家访，不能组卷归档。")


def _refuse_if_closed(case: Case) -> None:
    if case.step in CLOSED_STEPS:
        raise DomainError("案件已办结归档，不能再修改。")


def record_first_visit(case: Case, at, user, note: str) -> Case:
    """首次家访 of a serious case (5.2)."""
    _refuse_if_closed(case)
    clock.refuse_future(at, "家访时间", "at")
    if at < case.reported_at:
        raise DomainError("家访时间不能早于报告时间。", "at")
    case.first_visit_at = at
    case.events.append(
        CaseEvent(
            step=case.step,
            by=user.username,
            by_name=user.display_name,
            done=["first_visit"],
            note=f"首次家访：{note}",
            happened_at=at,
        )
    )
    case.save_versioned(user, CASE_CONFLICT)
    audit.record("update", case, detail="首次家访")
    return case


def check_report_time(case_id: str | None, reported_at) -> None:
    """Before a form's 报告时间 is corrected: the case it opened must still accept it."""
    case = _case_of(case_id)
    if case is None or reported_at is None or case.reported_at == reported_at:
        return
    _refuse_if_closed(case)
    if case.first_visit_at and reported_at > case.first_visit_at:
        raise DomainError(
            f"报告时间不能晚于已记录的首次家访时间（{dates.cn_datetime(case.first_visit_at)}）。",
            "reported_at",
        )


def follow_report_time(case_id: str | None, reported_at, user, source: str) -> Case | None:
    """The case follows the form it was opened from: a corrected 报告时间 moves the case's
    report time and its 24-hour first-visit deadline (5.2), recorded in its history."""
    for _attempt in range(3):
        case = _case_of(case_id)
        if case is None or reported_at is None or case.reported_at == reported_at:
            return case
        check_report_time(case_id, reported_at)
        changes = {
            "reported_at": [dates.cn_datetime(case.reported_at), dates.cn_datetime(reported_at)]
        }
        note = f"{source}更正报告时间：{changes['reported_at'][0]} → {changes['reported_at'][1]}"
        case.reported_at = reported_at
        for event in case.events[:1]:
            if event.step == "intake" and event.happened_at:
                event.happened_at = reported_at
        if case.serious_harm:
            due = reported_at + timedelta(hours=FIRST_VISIT_HOURS)
            changes["first_visit_due"] = [
                dates.cn_datetime(case.first_visit_due),
                dates.cn_datetime(due),
            ]
            note += f"；首次家访期限随之改为 {changes['first_visit_due'][1]}"
            case.first_visit_due = due
        case.events.append(
            CaseEvent(
                step=case.step,
                by=user.username,
                by_name=user.display_name,
                done=["report_time_corrected"],
                note=note,
            )
        )
        try:
            case.save_versioned(user)
        except Conflict:
            continue  # changed meanwhile by someone else: read it again
        audit.record("update", case, changes=changes, detail=note)
        return case
    raise DomainError(
        "案件正被他人同时办理，报告时间未能同步到案件，请稍后重新保存。", "reported_at"
    )


def _case_of(case_id: str | None) -> Case | None:
    if not case_id or not ObjectId.is_valid(case_id):
        return None
    return Case.objects(pk=case_id).order_by().first()


def add_conference(case: Case, conference: Conference, user) -> Case:
    """个案会商 (6.2)."""
    _refuse_if_closed(case)
    if not (conference.decisions or "").strip():
        raise DomainError("请填写会商决定。", "decisions")
    clock.refuse_future(conference.held_on, "会商日期", "held_on")
    conference.recorded_by = user.username
    case.conferences.append(conference)
    case.save_versioned(user, CASE_CONFLICT)
    audit.record(
        "update",
        case,
        detail="个案会商" + ("（已提请县（区）未保办）" if conference.escalated else ""),
    )
    return case


def reference(case_id: str | None) -> dict | None:
    """{id, number, archived} of the case a form belongs to, read by `_id` (for its links),
    kept for the request."""
    from flask import g, has_request_context

    if not case_id or not ObjectId.is_valid(case_id):
        return None
    memo = g.setdefault("_case_refs", {}) if has_request_context() else {}
    if case_id not in memo:
        prefetch_references([case_id], memo)
    return memo[case_id]


def prefetch_references(case_ids, memo: dict | None = None) -> None:
    """Read the cases of a page of forms at once (one `_id $in` query, searched on the
    `_id` index), for `reference`."""
    from flask import g, has_request_context

    if memo is None:
        memo = g.setdefault("_case_refs", {}) if has_request_context() else {}
    wanted = {i for i in case_ids if i and ObjectId.is_valid(i) and i not in memo}
    if not wanted:
        return
    found = {
        str(d["_id"]): d
        for d in Case._get_collection().find(
            {"_id": {"$in": [ObjectId(i) for i in wanted]}}, {"number": 1, "step": 1}
        )
    }
    for i in wanted:
        doc = found.get(i)
        memo[i] = (
            {"id": i, "number": doc.get("number", ""), "archived": doc.get("step") == "archived"}
            if doc
            else None
        )


def is_archived(case_id: str | None) -> bool:
    """True when the case a form or referral belongs to is archived (then they are read-only)."""
    ref = reference(case_id)
    return bool(ref and ref["archived"])


def first_visit_state(case: Case, now=None) -> str:
    """'' (not a serious case), 'done', 'due' (within 24 h) or 'overdue'."""
    if not case.serious_harm:
        return ""
    if case.first_visit_at:
        return "done"
    now = now or clock.now()
    return "overdue" if case.first_visit_due and now > case.first_visit_due else "due"
