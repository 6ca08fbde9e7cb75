"""The figures as rows (one list for the page, Word and Excel), and the narrative drafted from them."""

from .. import word
from .station import TODO_LABELS

NARRATIVE = (("summary", "工作情况概述"), ("problems", "存在问题"), ("next_steps", "下步打算"))
FILING_NARRATIVE = (("summary", "建设运营情况说明"), ("problems", "存在问题及下步工作"))
NARRATIVE_LIMIT = 4000  # HalfYearReport's text fields hold this much

# ---- the figures as rows (one list for the page, Word and Excel) ---------------------


def figure_sections(f: dict) -> list[dict]:
    """[{key, title, rows: [{group, item, value}]}]: every figure, labelled, in report order."""
    a = f["assessments"]
    c, v, k, r, pub, act = (
        f["children"],
        f["visits"],
        f["cases"],
        f["referrals"],
        f["publicity"],
        f["activities"],
    )

    def block(group, items):
        out = []
        for i, (item, value) in enumerate(items):
            out.append({"group": group if i == 0 else "", "item": item, "value": str(value)})
        return out

    children = [
        *block("在册儿童", [("在册儿童总数（人）", c["total"]), ("档案总数（份）", c["archives"])]),
        *block(
            "按类别（人，可兼属）",
            [(x["label"], x["n"]) for x in c["by_category"]] + [("未标注类别", c["no_category"])],
        ),
        *block("按风险等级（人）", [(x["label"], x["n"]) for x in c["by_risk"]]),
        *block(
            "监护与风险评估",
            [("本期评估（人次）", a["made"]), ("本期评估儿童（人）", a["children"])]
            + [(f"本期评估结论：{x['label']}（人）", x["n"]) for x in a["by_outcome"]]
            + [("逾期未重新评估（人）", a["overdue"]), ("尚未评估（人）", a["never"])],
        ),
        *block("按就学状况（人）", [(x["label"], x["n"]) for x in c["by_school"]]),
        *block("按档案状态（份）", [(x["label"], x["n"]) for x in c["by_status"]]),
        *block(
            "本期变化（份）",
            [("新建档", c["new"])]
            + [(f"减少：{x['label']}", x["n"]) for x in c["decreased"]]
            + [("净增减", f"{c['net']:+d}" if c["net"] else "0")],
        ),
    ]
    visits = [
        *block(
            "计划走访（次）",
            [
                ("本期计划走访", v["planned"]),
                ("已按计划完成", v["done"]),
                ("逾期未完成", v["overdue"]),
                ("尚未到期", v["upcoming"]),
                ("计划完成率", "—" if v["rate"] is None else f"{v['rate']}%"),
            ],
        ),
        *block(
            "实际走访",
            [("走访（次）", v["made"]), ("走访儿童（人）", v["children"])]
            + [(f"{x['label']}（次）", x["n"]) for x in v["by_kind"]],
        ),
        *block(
            "高风险儿童（人）",
            [("在册高风险儿童", v["high_risk"]), ("本期已走访", v["high_risk_visited"])],
        ),
    ]
    cases = [
        *block("本期受理（件）", [("受理案件", k["opened"])]),
        *block(
            "按分类（件）",
            [(x["label"] if x["code"] else "未分类", x["n"]) for x in k["by_class"]],
        ),
        *block("按当前环节（件）", [(x["label"], x["n"]) for x in k["by_step"]]),
        *block(
            "办理结果（件）",
            [
                ("已组卷归档", k["archived"]),
                ("咨询办结", k["consult_closed"]),
                ("办理中", k["open"]),
            ],
        ),
        *block(
            "严重侵害案件（件）",
            [
                ("严重家暴或不法侵害", k["serious"]),
                ("24 小时内首次家访", k["first_visit_met"]),
                ("超过 24 小时", k["first_visit_missed"]),
                ("尚在 24 小时内待家访", k["first_visit_pending"]),
            ],
        ),
        *block(
            "服务转介（次）",
            [
                ("转介", r["sent"]),
                ("已收到反馈", r["feedback"]),
                ("等待反馈", r["waiting"]),
                ("反馈已逾期", r["late"]),
                ("逾期后才反馈", r["late_feedback"]),
            ],
        ),
    ]
    services = [
        *block(
            "宣传培训",
            [("活动（场）", pub["events"]), ("覆盖（人次）", pub["reached"])]
            + [
                (x["label"], f"{x['n']} 场 / {x['reached']} 人次") for x in pub["by_kind"] if x["n"]
            ],
        ),
        *block(
            "其中培训",
            [("培训（场）", pub["training"]), ("参训（人次）", pub["training_reached"])],
        ),
        *block(
            "关爱服务阵地",
            [(x["label"], f"{x['n']} 场 / {x['children']} 人次") for x in act["by_venue"]],
        ),
    ]
    problems = block(
        "待办事项（截至报送日）",
        [(label, f["todos"].get(key, 0)) for key, label in TODO_LABELS],
    )
    return [
        {"key": "children", "title": "儿童信息管理（一人一档）", "rows": children},
        {"key": "visits", "title": "走访巡查", "rows": visits},
        {"key": "cases", "title": "个案处置与服务转介", "rows": cases},
        {"key": "services", "title": "宣传培训与关爱服务", "rows": services},
        {"key": "problems", "title": "需要解决的问题", "rows": problems},
    ]


# ---- narrative drafts ---------------------------------------------------------------


def draft_narrative(f: dict) -> dict:
    """A first draft of 工作情况概述 / 存在问题 / 下步打算 from the figures; the clerk edits it."""
    c, v, k, r, pub, act = (
        f["children"],
        f["visits"],
        f["cases"],
        f["referrals"],
        f["publicity"],
        f["activities"],
    )
    label = f["period"]["label"]
    cats = "、".join(f"{x['label']}{x['n']}人" for x in c["by_category"] if x["n"])
    high = next((x["n"] for x in c["by_risk"] if x["code"] == "high"), 0)
    summary = [
        f"{label}，{f['station']}围绕“一人一档”、走访巡查、个案处置和关爱服务开展工作。",
        f"截至报送日，辖区在册儿童{c['total']}人"
        + (f"，其中{cats}" if cats else "")
        + f"；高风险儿童{high}人。本期新建档{c['new']}份，减少{c['decrease']}份。",
        f"本期开展监护状况与风险等级评估{f['assessments']['made']}人次、"
        f"覆盖儿童{f['assessments']['children']}人。",
        f"本期计划走访{v['planned']}次，已按计划完成{v['done']}次"
        + (f"（完成率{v['rate']}%）" if v["rate"] is not None else "")
        + f"，实际走访{v['made']}次、覆盖儿童{v['children']}人。",
        f"受理案件{k['opened']}件，已组卷归档{k['archived']}件、咨询办结{k['consult_closed']}件、"
        f"办理中{k['open']}件；严重侵害案件{k['serious']}件，24小时内首次家访{k['first_visit_met']}件。"
        f"服务转介{r['sent']}次，已收到反馈{r['feedback']}次。",
        f"开展宣传培训{pub['events']}场、覆盖{pub['reached']}人次（其中培训{pub['training']}场），"
        f"儿童之家、四点半课堂活动{act['events']}场、参与儿童{act['children']}人次。",
    ]
    problems = []
    t = f["todos"]
    if v["overdue"] or t.get("visit_overdue"):
        problems.append(
            f"部分计划走访未按期完成（本期逾期{v['overdue']}次，当前逾期待走访{t.get('visit_overdue', 0)}人）。"
        )
    if t.get("high_risk_unvisited"):
        problems.append(f"高风险儿童中有{t['high_risk_unvisited']}人超过走访周期未走访。")
    if f["assessments"]["overdue"]:
        problems.append(f"有{f['assessments']['overdue']}名儿童超过评估周期未重新评估。")
    if k["first_visit_missed"]:
        problems.append(f"严重侵害案件中有{k['first_visit_missed']}件首次家访超过24小时。")
    if r["late"]:
        problems.append(f"转介反馈逾期{r['late']}次，需加强与接收单位的对接。")
    if t.get("review") or t.get("review_overdue"):
        problems.append(
            f"待审核档案{t.get('review', 0)}份（其中超期{t.get('review_overdue', 0)}份）。"
        )
    if not pub["training"]:
        problems.append("本期未开展儿童主任、志愿者培训。")
    if not problems:
        problems.append("（请填写本期工作中存在的问题。）")
    steps = [
        "按照走访计划做好定期走访和重点核查，及时更新“一人一档”信息台账。",
        "落实发现报告和个案处置流程，严重侵害案件24小时内完成首次家访。",
        "跟进服务转介反馈，继续开展政策宣传和儿童主任、志愿者培训。",
    ]
    return {
        "summary": "\n".join(summary),
        "problems": "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1)),
        "next_steps": "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)),
    }


def clean_narrative(form, keys=("summary", "problems", "next_steps")) -> dict:
    """The narrative the clerk typed: cleaned for Word, cut at the record's limit."""
    return {key: word.clean(form.get(key, ""))[:NARRATIVE_LIMIT] for key in keys}
