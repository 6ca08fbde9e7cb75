"""An archive's 变更历史: each change as a person reads it (Chinese labels, no codes), shown
to a role with the personal data it may see (core/privacy.py)."""

import re

from ...core import clock, dates, privacy
from ...documents import Child, ChildHistory, Place
from ...documents.constants import (
    BENEFIT_STATUSES,
    BENEFITS,
    CATEGORIES,
    CHILD_STATUSES,
    DISABILITY_GRADES,
    DISABILITY_KINDS,
    GENDERS,
    GUARDIAN_SITUATIONS,
    GUARDIANSHIP,
    HUKOU_STATUSES,
    NO_ID_REASONS,
    RELATIONS,
    REVIEW_STATUSES,
    RISK_LEVELS,
    ROLES,
    SCHOOL_STATUSES,
    VISIT_FREQUENCIES,
)

FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号码",
    "no_id_reason": "无身份证号码原因",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "hukou_status": "户籍状况",
    "place": "居住村（居）",
    "address": "详细住址",
    "school_status": "就学状况",
    "school_name": "学校",
    "disability_kind": "残疾类别",
    "disability_grade": "残疾等级",
    "serious_illness": "患重病",
    "illness_note": "疾病情况",
    "categories": "困境类别",
    "guardianship": "监护状况",
    "guardians": "监护人及家庭成员",
    "care_agreement_date": "委托照护协议签订日期",
    "care_agreement_note": "委托照护协议说明",
    "benefits": "享受或申请的保障政策",
    "risk_level": "风险等级",
    "risk_reason": "风险原因",
    "visit_frequency": "走访频次",
    "director": "责任儿童主任",
    "status": "档案状态",
    "status_date": "状态变更日期",
    "status_reason": "状态变更原因",
    "review_status": "审核状态",
    "review_due": "审核期限",
    "review_comment": "退回意见",
}
_CHOICES = {
    "gender": GENDERS,
    "no_id_reason": NO_ID_REASONS,
    "hukou_status": HUKOU_STATUSES,
    "school_status": SCHOOL_STATUSES,
    "disability_kind": DISABILITY_KINDS,
    "disability_grade": DISABILITY_GRADES,
    "categories": CATEGORIES,
    "guardianship": GUARDIANSHIP,
    "risk_level": RISK_LEVELS,
    "visit_frequency": tuple((a, b) for a, b, _ in VISIT_FREQUENCIES),
    "status": CHILD_STATUSES,
    "review_status": REVIEW_STATUSES,
}


def display(child: Child) -> dict[str, str]:
    """Each labelled field of an archive as the text a person reads."""
    out = {}
    for field in FIELD_LABELS:
        value = getattr(child, field, None)
        choices = dict(_CHOICES.get(field, ()))
        if field == "place":
            text = Place.full_name_of(value)
        elif field in ("guardians", "benefits"):
            text = "；".join(_embedded_text(v) for v in value or [])
        elif isinstance(value, list):
            text = "、".join(choices.get(v, v) for v in value)
        elif isinstance(value, bool):
            text = "是" if value else "否"
        elif hasattr(value, "year"):
            text = dates.cn_datetime(value)
        else:
            text = choices.get(value, value) if value is not None else ""
        out[field] = str(text or "")
    return out


def _embedded_text(item) -> str:
    """A guardian or a benefit as a person reads it, in Chinese labels."""
    data = item.to_mongo().to_dict() if hasattr(item, "to_mongo") else dict(item)
    if "kind" in data:
        return f"{dict(BENEFITS).get(data.get('kind'), '')}（{dict(BENEFIT_STATUSES).get(data.get('status'), '')}）"
    parts = [
        dict(RELATIONS).get(data.get("relation"), ""),
        dict(GUARDIAN_SITUATIONS).get(data.get("situation"), ""),
        f"务工地 {data['work_place']}" if data.get("work_place") else "",
        f"工作单位 {data['employer']}" if data.get("employer") else "",
        "监护人" if data.get("is_guardian") else "",
        f"电话 {data['phone']}" if data.get("phone") else "",
        f"身份证 {data['id_number']}" if data.get("id_number") else "",
        data.get("note") or "",
    ]
    return f"{data.get('name', '')}（{'，'.join(p for p in parts if p)}）"


# Choice codes that older history entries hold as they were stored (before the entries
# were written in Chinese): read back in Chinese.
_LEGACY_CODES = {
    code: label
    for pairs in (RELATIONS, GUARDIAN_SITUATIONS, BENEFITS, BENEFIT_STATUSES)
    for code, label in pairs
}
_CODE_RE = re.compile(
    r"(?<![A-Za-z_])(" + "|".join(map(re.escape, _LEGACY_CODES)) + r")(?![A-Za-z_])"
)


def history_for(child_id, user) -> list[dict]:
    """The history of an archive as the user may read it: numbers masked for the roles
    that see them masked (core/privacy.py), old entries' codes in Chinese."""

    def readable(value) -> str:
        text = _CODE_RE.sub(lambda m: _LEGACY_CODES[m.group(1)], str(value or ""))
        return privacy.shown(text, user)

    out = []
    for entry in history(child_id):
        entry = dict(entry)
        entry["changes"] = {
            field: [readable(old), readable(new)]
            for field, (old, new) in (entry.get("changes") or {}).items()
        }
        entry["note"] = readable(entry.get("note"))
        out.append(entry)
    return out


def add_history(
    child: Child, user, action: str, changes: dict | None = None, note: str = ""
) -> None:
    """Append one entry to the child's history ($push: atomic), then the archive's entry
    of 工作考核 (every change of a visit book or an archive adds a history entry after it)."""
    from ..appraisal import ledger

    ChildHistory._get_collection().update_one(
        {"_id": str(child.pk)},
        {"$push": {"entries": _entry(user, action, changes, note)}},
        upsert=True,
    )
    ledger.note(child)


def add_history_many(items, user, action: str, note: str = "") -> None:
    """The first entry of each new archive's history, at once: items [(child, changes)]."""
    if items:
        ChildHistory._get_collection().insert_many(
            [
                {"_id": str(child.pk), "entries": [_entry(user, action, changes, note)]}
                for child, changes in items
            ],
            ordered=False,
        )


def _entry(user, action: str, changes: dict | None, note: str) -> dict:
    return {
        "at": clock.now(),
        "by": getattr(user, "username", str(user)),
        "by_name": getattr(user, "display_name", ""),
        "role": dict(ROLES).get(getattr(user, "role", ""), ""),
        "action": action,
        "changes": changes or {},
        "note": note or "",
    }


def history(child_id) -> list[dict]:
    """The history entries of an archive, newest first."""
    doc = ChildHistory._get_collection().find_one({"_id": str(child_id)})
    return list(reversed((doc or {}).get("entries", [])))
