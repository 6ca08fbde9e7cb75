"""The assessment as paper: 监护状况与风险等级评估表 (doc_templates/assessment_sheet.docx,
built by scripts/make_report_templates.py), every item of the version it used with the
chosen answer ticked among all its answers."""

from ...core import clock, dates
from ...documents import Place, station_name
from ...documents.constants import (
    ASSESSMENT_GROUPS,
    CATEGORIES,
    GENDERS,
    REASSESS_PERIODS,
    RISK_COLOUR_NAMES,
)
from ..word import rendering
from . import FREQUENCY_LABELS, GRADE_LABELS, OUTCOME_LABELS
from . import scale as scales

GROUPS = dict(ASSESSMENT_GROUPS)


def _answers(item: dict, chosen: int | None) -> str:
    return rendering.GAP.join(
        (rendering.CHECKED if i == chosen else rendering.UNCHECKED) + rendering.clean(o["label"])
        for i, o in enumerate(item["options"])
    )


def context(child, entry) -> dict:
    scale = scales.version(entry.scale_version)
    items, n = [], 0
    for item in scale.items:
        chosen = entry.answers.get(item["code"])
        n += 1
        points = item["options"][chosen]["score"] * item["weight"] if chosen is not None else 0
        items.append(
            {
                "group": GROUPS.get(item["group"], ""),
                "no": str(n),
                "text": rendering.clean(item["text"]) + f"（权重 {item['weight']}）",
                "answers": _answers(item, chosen),
                "points": str(points),
            }
        )
    result = scales.grade_of(scale, entry.answers)
    township = Place.name_of(child.township) if child.township else ""
    by_group = "；".join(
        f"{GROUPS[g]} {entry.by_group.get(g, 0)}" for g in GROUPS if g in entry.by_group
    )
    periods = dict(REASSESS_PERIODS)
    grades = "；".join(
        f"{GRADE_LABELS[g['code']]} {g['min_score']} 分起（走访{FREQUENCY_LABELS.get(g['frequency'], '')}，"
        f"{periods.get(g['reassess'], '')}重新评估）"
        for g in scale.grades
    )
    return {
        "unit": rendering.text(station_name(township) if township else ""),
        "version": f"第 {scale.id} 版（{rendering.clean(scale.note)}）",
        "name": rendering.clean(child.name),
        "gender": dict(GENDERS).get(child.gender, ""),
        "birth": dates.cn_date(child.birth_date),
        "age": f"{child.age_on(entry.assessed_on)} 周岁",
        "village": rendering.clean(Place.full_name_of(child.place)),
        "categories": "、".join(dict(CATEGORIES).get(c, "") for c in child.categories or [])
        or "无",
        "assessed_on": dates.cn_date(entry.assessed_on),
        "method": "走访时评估" if entry.visit else "单独评估",
        "assessors": rendering.clean(entry.assessors),
        "items": items,
        "total": str(entry.total),
        "by_group": by_group or "均为 0",
        "outcome": OUTCOME_LABELS.get(entry.outcome, ""),
        "grade": f"{GRADE_LABELS.get(entry.grade, '')}（{RISK_COLOUR_NAMES.get(entry.grade, '')}）",
        "frequency": FREQUENCY_LABELS.get(entry.frequency, ""),
        "next_due": dates.cn_date(entry.next_due),
        "found": "；".join(rendering.clean(f) for f in result.found) or "未发现问题",
        "note": rendering.text(entry.note),
        "rules": rendering.clean(
            f"判定规则：{grades}。监护状况按监护缺失、监护不当、监护不足的顺序，"
            f"以最先达到判定分值者为结论（判定分值依次为 "
            + "、".join(
                str(scale.aspects.get(a, "")) for a in ("missing", "improper", "insufficient")
            )
            + f" 分）。打印时间：{dates.cn_datetime(clock.now())}。"
        ),
    }


def render(child, entry, user) -> bytes:
    return rendering.render("assessment_sheet", context(child, entry))
