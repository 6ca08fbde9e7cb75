"""走访（手机）(issue 14): what the phone keeps, and how a visit or a report queued on a
phone without signal is received.

The phone keeps the least a visit needs: for each child of one village its id, name, age,
gender, categories, risk level, next and last visit and the archive's version. No 身份证
number, no phone number, no address. It is kept `FIELD_KEEP_DAYS` and removed on log-out.

A queued visit carries an id made on the phone (`client_id`). The server takes it exactly
once: a `FieldReceipt` with that id as `_id` is inserted before anything is written, so a
second send (a retry, a double tap, two tabs) finds it and changes nothing. A visit whose
archive moved out of the user's place, left the register, or had its risk level changed
since the phone's copy while the visit re-assesses it, is a conflict: nothing is written,
the phone shows what changed and the person decides (send again acknowledging it, or
delete the queued visit).
"""

import re
from datetime import UTC, date, datetime, timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from ..core import clock, dates
from ..documents import Child, DomainError
from ..documents.base import get_scoped
from ..documents.case import HelpRequest, MandatoryReport
from ..documents.constants import (
    CATEGORIES,
    FIELD_TODOS,
    GENDERS,
    PROVINCE_CODE,
    RISK_LEVELS,
    TODOS,
    VILLAGE,
)
from ..documents.field import FieldReceipt
from ..documents.place import Place
from . import audit
from .cases import village
from .children import roster
from .figures import todos
from .visits import KIND_LABELS, record_visit
from .visits.book import visit_exists

FIELD_KEEP_DAYS = 7  # what the phone keeps is removed this many days after it was fetched
MAX_CHILDREN = 500  # a village's register; a larger list is cut (and says so)
CLIENT_ID = re.compile(r"^[0-9a-f]{32}$")
CATEGORY_LABELS = dict(CATEGORIES)
RISK_LABELS = dict(RISK_LEVELS)
GENDER_LABELS = dict(GENDERS)
TODO_LABELS = dict(TODOS)


class FieldConflict(Exception):
    """A queued record that cannot be saved as it is: `kind` (moved, inactive, changed)
    and a message in Chinese; `current` is what the archive says now (may be shown)."""

    def __init__(self, kind: str, message: str, current: dict | None = None):
        super().__init__(message)
        self.kind, self.message, self.current = kind, message, current or {}


# ---- what the phone keeps ----
def villages_of(user) -> list[dict]:
    """The villages whose register the user may take along: the user's own village, or
    every village of the user's township."""
    info = Place.info(user.place) or {}
    if info.get("level") == VILLAGE:
        return [{"code": user.place, "name": info.get("name", "")}]
    return [{"code": r["_id"], "name": r["name"]} for r in Place.children_of(user.place, VILLAGE)]


def register(user, village: str) -> dict:
    """The village's children in the register as the phone keeps them, the soonest planned
    visit first (none planned: last); a village outside the user's place gives a
    DomainError."""
    if not village or not roster.inside(village, user.place):
        raise DomainError("只能下载您管辖范围内的村（居）名单。", "village")
    info = Place.info(village) or {}
    if info.get("level") != VILLAGE:
        raise DomainError("请选择一个村（居）。", "village")
    today = clock.today()
    rows = [r for r in roster.rows_for(user, area=village) if r.get("status") == "active"]
    rows.sort(key=lambda r: (r.get("next_visit") or "9999", r["name"]))
    cut = len(rows) > MAX_CHILDREN
    rows = rows[:MAX_CHILDREN]
    due = {kind: {r["id"] for r in todos.todo_rows(rows, kind, today)} for kind in FIELD_TODOS}
    versions = {
        str(c["_id"]): c.get("version", 0)
        for c in Child._get_collection().find(
            {"_id": {"$in": [Child.id.to_mongo(r["id"]) for r in rows]}}, {"version": 1}
        )
    }
    now = clock.now()
    return {
        "village": village,
        "village_name": Place.full_name_of(village),
        "fetched_at": dates.cn_datetime(now),
        "keep_until": (today + timedelta(days=FIELD_KEEP_DAYS)).isoformat(),
        "today": today.isoformat(),
        "cut": cut,
        "todos": [{"kind": k, "label": TODO_LABELS[k]} for k in FIELD_TODOS],
        "children": [
            {
                **_card(r, versions.get(r["id"], 0), today),
                "todos": [k for k in FIELD_TODOS if r["id"] in due[k]],
            }
            for r in rows
        ],
    }


def _card(row: dict, version: int, today: date) -> dict:
    birth = date.fromisoformat(row["birth"])
    next_visit = row.get("next_visit") or None
    return {
        "id": row["id"],
        "name": row["name"],
        "gender": GENDER_LABELS.get(row.get("gender"), ""),
        "age": clock.age_on(birth, today),
        "categories": [CATEGORY_LABELS.get(c, c) for c in row.get("categories") or []],
        "risk": row.get("risk") or "",
        "risk_label": RISK_LABELS.get(row.get("risk") or "", "未评估"),
        "next_visit": next_visit,
        "next_visit_text": dates.cn_date(date.fromisoformat(next_visit)) if next_visit else "",
        "last_visit": row.get("last_visit") or None,
        "overdue": bool(next_visit and next_visit < today.isoformat()),
        "version": version,
    }


# ---- receiving a queued visit ----
def _client_id(value) -> str:
    value = str(value or "").strip().lower().replace("-", "")
    if not CLIENT_ID.match(value):
        raise DomainError("记录编号无效，请在手机上重新登记。", "client_id")
    return value


def _check(child, user, payload: dict) -> None:
    """A conflict when the archive is not as the phone saw it in a way that matters."""
    if child is None:
        raise FieldConflict(
            "moved",
            "该儿童档案已不在您的管辖范围内（可能已迁出或删除），本条走访未保存。"
            "请与乡镇（街道）未保站核实。",
        )
    if child.status != "active":
        raise FieldConflict("inactive", "该儿童档案已不在册，本条走访未保存。")
    risk = payload.get("risk_level") or ""
    base = payload.get("base_version")
    changed = base is not None and int(base) != int(child.version or 0)
    if changed and risk and risk != child.risk_level and not payload.get("confirm"):
        raise FieldConflict(
            "changed",
            f"您离线期间该档案已被修改，风险等级现为“{RISK_LABELS.get(child.risk_level, '未评估')}”。"
            "请核对后选择“按我的评估提交”或修改后再提交。",
            {"risk_level": child.risk_level or "", "version": child.version or 0},
        )


def _values(payload: dict) -> dict:
    data = {k: payload.get(k) for k in ("kind", "visitors", "services", "follow_up_of")}
    for k in ("guardianship", "living", "study", "health", "risk_level", "risk_reason"):
        data[k] = payload.get(k)
    data["date"] = dates.parse_date(payload["date"]) if payload.get("date") else None
    nv = payload.get("next_visit")
    data["next_visit"] = dates.parse_date(nv) if nv else None
    return data


def _location(payload: dict) -> str | None:
    """ "lat,lng" to 5 decimals (about a metre) when the phone sent a position, else None."""
    try:
        lat, lng = float(payload["lat"]), float(payload["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return f"{lat:.5f},{lng:.5f}"


def _made_at(payload: dict):
    """When the visit was recorded on the phone (its clock; never after now)."""
    try:
        made = datetime.fromisoformat(str(payload.get("made_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
    if made.tzinfo is None:
        return None
    return min(made.astimezone(UTC), clock.now())


STALE_SECONDS = 120  # a receipt without a result this old was left by a worker that died


def _earlier(client_id: str, user, saved) -> dict | None:
    """The answer for a record received before, or None to save it now. `saved(receipt)`:
    whether its record was written (a worker may have stopped before noting it)."""
    done = FieldReceipt.objects(pk=client_id).first()
    if done is None:
        return None
    if done.username != user.username:
        raise DomainError("记录编号无效，请在手机上重新登记。", "client_id")
    if done.result or saved(done):
        return {"status": "duplicate", "id": done.result, "message": "该记录此前已收到。"}
    at = done.at if done.at.tzinfo else done.at.replace(tzinfo=UTC)
    if (clock.now() - at).total_seconds() < STALE_SECONDS:
        raise FieldConflict("busy", "该记录正在保存，请稍后再发送。")
    done.delete()  # its worker stopped before saving anything
    return None


def receive_visit(user, payload: dict, photos) -> dict:
    """Save one queued visit exactly once. Returns {"status": "saved"|"duplicate", ...};
    raises DomainError (the record needs correcting) or FieldConflict."""
    client_id = _client_id(payload.get("client_id"))
    earlier = _earlier(client_id, user, lambda r: visit_exists(r.child, client_id))
    if earlier is not None:
        return earlier
    child, elsewhere = get_scoped(Child, payload.get("child"), user)
    if elsewhere:  # an archive outside the user's place, asked for by id: noted, not shown
        audit.record(
            "denied", None, detail=f"children:{payload.get('child')}", place_path=[PROVINCE_CODE]
        )
    _check(child, user, payload)
    try:
        data = _values(payload)
    except ValueError as exc:
        raise DomainError("日期格式不正确。", "date") from exc
    receipt = FieldReceipt(
        id=client_id, username=user.username, child=str(child.pk), kind="visit", at=clock.now()
    )
    try:
        receipt.save(force_insert=True)
    except DuplicateKeyError:  # the same record sent twice at the same moment
        return {"status": "duplicate", "id": client_id, "message": "该记录此前已收到。"}
    try:
        visit = record_visit(
            child,
            data,
            user,
            photos=photos,
            visit_id=client_id,
            made_at=_made_at(payload),
            location=_location(payload),
        )
    except BaseException:
        receipt.delete()  # nothing was saved: the phone may correct it and send again
        raise
    receipt.update(set__result=visit.id)
    return {
        "status": "saved",
        "id": visit.id,
        "message": f"已收到 {child.name} {dates.cn_date(visit.date)} 的{KIND_LABELS[visit.kind]}。",
    }


# ---- receiving a queued report (附件5, 附件6) ----
def _report_form_id(client_id: str) -> ObjectId:
    """The form's id, made from the phone's id: a second send finds the form itself."""
    return ObjectId(client_id[:24])


def _report_saved(client_id: str) -> bool:
    oid = _report_form_id(client_id)
    return bool(
        MandatoryReport.objects(pk=oid).order_by().first()
        or HelpRequest.objects(pk=oid).order_by().first()
    )


def receive_report(user, payload: dict) -> dict:
    """Save one queued report from the village exactly once and open its case."""
    client_id = _client_id(payload.get("client_id"))
    earlier = _earlier(client_id, user, lambda r: _report_saved(client_id))
    if earlier is not None:
        return earlier
    receipt = FieldReceipt(
        id=client_id,
        username=user.username,
        child=str(payload.get("child") or "") or None,
        kind="report",
        at=clock.now(),
    )
    try:
        receipt.save(force_insert=True)
    except DuplicateKeyError:
        return {"status": "duplicate", "id": None, "message": "该记录此前已收到。"}
    try:
        form, case = village.file_report(
            user, payload, written_at=_made_at(payload), form_id=_report_form_id(client_id)
        )
    except BaseException:
        receipt.delete()
        raise
    receipt.update(set__result=str(form.pk))
    due = (
        f"，须在 {dates.cn_minute(case.first_visit_due)} 前完成首次家访"
        if case.first_visit_due
        else ""
    )
    return {
        "status": "saved",
        "id": str(form.pk),
        "message": f"已报告乡镇（街道）未保站：{village.KINDS[payload['kind']]}，案件编号 {case.number}{due}。",
    }
