"""The indicator list (评估指标): its versions, the province's edit, and what answers give.

`grade_of` is the one place an assessment's result is computed from its answers: the
weighted score (each answer's score × its item's weight), the guardianship outcome (the
first aspect of 4.2.1, most serious first, whose items reach the aspect's threshold) and
the risk grade (the highest grade whose least score the total reaches, raised by any
answer's floor).
"""

from dataclasses import dataclass

from mongoengine import NotUniqueError

from ...core import clock
from ...documents.assessment import AssessmentScale
from ...documents.base import DomainError
from ...documents.constants import (
    ASSESSMENT_GROUPS,
    GUARDIANSHIP_ASPECTS,
    REASSESS_PERIODS,
    RISK_LEVELS,
    VISIT_FREQUENCIES,
)
from .. import audit
from . import default

GRADE_ORDER = [code for code, _ in RISK_LEVELS]  # low, medium, high
GROUPS = dict(ASSESSMENT_GROUPS)
ASPECTS = dict(GUARDIANSHIP_ASPECTS)
FREQUENCIES = {code: label for code, label, _ in VISIT_FREQUENCIES}
PERIODS = dict(REASSESS_PERIODS)
MAX_ITEMS, MAX_OPTIONS, MAX_WEIGHT, MAX_SCORE = 60, 5, 10, 10


@dataclass(frozen=True)
class Result:
    total: int
    by_group: dict
    by_aspect: dict
    outcome: str
    grade: str
    frequency: str
    reassess: str
    found: tuple  # texts of the items answered with a score above 0, by weighted score


def current() -> AssessmentScale:
    """The newest version; the default list becomes version 1 on first use."""
    scale = AssessmentScale.objects.order_by("-id").first()
    if scale is not None:
        return scale
    first = AssessmentScale(id=1, **default.scale(), made_by="系统", made_at=clock.now())
    try:
        first.save(force_insert=True)
    except NotUniqueError:
        pass  # another worker wrote it first
    return AssessmentScale.objects.get(id=1)


def version(number: int) -> AssessmentScale | None:
    return AssessmentScale.objects(id=number).first()


def versions() -> list[AssessmentScale]:
    return list(AssessmentScale.objects.only("id", "note", "made_by", "made_at").order_by("-id"))


def grade_of(scale: AssessmentScale, answers: dict) -> Result:
    """The result of `answers` (item code -> index of the chosen answer) on `scale`."""
    total, by_group, by_aspect = 0, {}, {a: 0 for a in ASPECTS}
    floor, found = "low", []
    for item in scale.items:
        index = answers.get(item["code"])
        if index is None:
            continue
        option = item["options"][index]
        points = option["score"] * item["weight"]
        total += points
        by_group[item["group"]] = by_group.get(item["group"], 0) + points
        if item.get("aspect"):
            by_aspect[item["aspect"]] += points
        if points:
            found.append((points, item["text"], option["label"]))
        if option.get("floor") and _rank(option["floor"]) > _rank(floor):
            floor = option["floor"]
    outcome = next(
        (a for a in ASPECTS if by_aspect[a] >= int(scale.aspects.get(a, 1 << 30))), "normal"
    )
    by_score = next(g for g in reversed(scale.grades) if total >= g["min_score"])
    grade = max(by_score["code"], floor, key=_rank)
    chosen = next(g for g in scale.grades if g["code"] == grade)
    return Result(
        total=total,
        by_group=by_group,
        by_aspect=by_aspect,
        outcome=outcome,
        grade=grade,
        frequency=chosen["frequency"],
        reassess=chosen["reassess"],
        found=tuple(f"{text}（{label}）" for _, text, label in sorted(found, key=lambda f: -f[0])),
    )


def _rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


def check_answers(scale: AssessmentScale, answers: dict) -> dict:
    """The answers as item code -> index, every item answered from its own list; a
    DomainError naming the first item left unanswered."""
    out = {}
    for item in scale.items:
        raw = answers.get(item["code"])
        try:
            index = int(raw)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(item["options"]):
            raise DomainError(f"请回答“{item['text']}”。", f"item-{item['code']}")
        out[item["code"]] = index
    return out


# ---- the province's edit: a new version ------------------------------------------------


def _int(value, label: str, low: int, high: int, field: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{label}须为整数。", field) from None
    if not low <= n <= high:
        raise DomainError(f"{label}须在 {low} 到 {high} 之间。", field)
    return n


def _options(raw: str, field: str, text: str) -> list[dict]:
    """Answers typed one per line as 标签=分值 or 标签=分值=最低等级 (低/中/高)."""
    grades = {label[0]: code for code, label in RISK_LEVELS}  # 低 中 高
    out = []
    for line in (raw or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("＝", "=").split("=")]
        if len(parts) not in (2, 3) or not parts[0] or len(parts[0]) > 20:
            raise DomainError(
                f"“{text}”的选项格式应为“标签=分值”或“标签=分值=最低等级”，每行一个。", field
            )
        option = {"label": parts[0], "score": _int(parts[1], f"“{parts[0]}”的分值", 0, 10, field)}
        if len(parts) == 3 and parts[2]:
            floor = grades.get(parts[2][:1])
            if floor is None:
                raise DomainError(f"“{parts[0]}”的最低等级须为 低、中 或 高。", field)
            if floor != "low":
                option["floor"] = floor
        out.append(option)
    if not 2 <= len(out) <= MAX_OPTIONS:
        raise DomainError(f"“{text}”须有 2 到 {MAX_OPTIONS} 个选项。", field)
    if len({o["label"] for o in out}) != len(out):
        raise DomainError(f"“{text}”的选项不能重名。", field)
    return out


def options_text(options: list[dict]) -> str:
    """The answers as the edit form shows them (the inverse of `_options`)."""
    labels = {code: label[0] for code, label in RISK_LEVELS}
    return "\n".join(
        f"{o['label']}={o['score']}" + (f"={labels[o['floor']]}" if o.get("floor") else "")
        for o in options
    )


def _item(row: dict, n: int, used: set) -> dict:
    field = f"item-{n}"
    text = (row.get("text") or "").strip()
    if not text or len(text) > 100:
        raise DomainError(f"第 {n + 1} 项的内容须填写，且不超过 100 字。", field)
    group = row.get("group") or ""
    if group not in GROUPS:
        raise DomainError(f"请为“{text}”选择分组。", field)
    aspect = row.get("aspect") or ""
    if aspect and (group != "guardianship" or aspect not in ASPECTS):
        raise DomainError(f"只有监护状况的指标才能归入监护缺失/不当/不足（“{text}”）。", field)
    code = (row.get("code") or "").strip() or f"p{n + 1}"
    while code in used:
        code += "_"
    used.add(code)
    return {
        "code": code,
        "group": group,
        "aspect": aspect,
        "text": text,
        "weight": _int(row.get("weight"), f"“{text}”的权重", 0, MAX_WEIGHT, field),
        "options": _options(row.get("options") or "", field, text),
        "source": (row.get("source") or "").strip()[:200],
    }


def _grades(rows: dict) -> list[dict]:
    out, last = [], -1
    for code, label in RISK_LEVELS:
        row = rows.get(code) or {}
        field = f"grade-{code}"
        least = (
            0 if code == "low" else _int(row.get("min_score"), f"{label}的起评分", 1, 999, field)
        )
        if least <= last:
            raise DomainError("起评分须从低风险到高风险逐级升高。", field)
        last = least
        if row.get("frequency") not in FREQUENCIES:
            raise DomainError(f"请选择{label}的走访频次。", field)
        if row.get("reassess") not in PERIODS:
            raise DomainError(f"请选择{label}的重新评估周期。", field)
        out.append(
            {
                "code": code,
                "min_score": least,
                "frequency": row["frequency"],
                "reassess": row["reassess"],
            }
        )
    return out


def save_version(user, base_version: int, items: list[dict], grades: dict, aspects: dict, note):
    """The province's edit becomes the next version (the one read is `base_version`: a
    version written meanwhile is a conflict, nothing saved). Rows whose text is empty and
    marked removed are left out."""
    latest = current()
    if latest.id != base_version:
        raise DomainError(
            f"评估指标刚刚已被他人修改（现为第 {latest.id} 版），请刷新页面后重新修改。", "note"
        )
    used: set = set()
    kept = [
        _item(row, n, used)
        for n, row in enumerate(items)
        if not row.get("removed") and (row.get("text") or "").strip()
    ]
    if not kept:
        raise DomainError("评估指标至少须有一项。", "note")
    if len(kept) > MAX_ITEMS:
        raise DomainError(f"评估指标最多 {MAX_ITEMS} 项。", "note")
    thresholds = {
        a: _int(aspects.get(a), f"{label}的判定分值", 1, 999, f"aspect-{a}")
        for a, label in ASPECTS.items()
    }
    note = (note or "").strip()
    if not note or len(note) > 200:
        raise DomainError("请填写修订说明（不超过 200 字）。", "note")
    scale = AssessmentScale(
        id=latest.id + 1,
        items=kept,
        grades=_grades(grades),
        aspects=thresholds,
        note=note,
        made_by=user.username,
        made_at=clock.now(),
    )
    try:
        scale.save(force_insert=True)
    except NotUniqueError:
        raise DomainError("评估指标刚刚已被他人修改，请刷新页面后重新修改。", "note") from None
    audit.record(
        "update",
        scale,
        detail=f"评估指标第 {scale.id} 版：{note}",
        changes={"版本": [str(latest.id), str(scale.id)]},
    )
    return scale
