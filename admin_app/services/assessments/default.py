"""The default indicator list (version 1), drawn from the plan's own words.

No official Ningxia scale exists. Each item names the sentence of the plan it comes
from (`source`); the grouping follows 5.3 (监护、生活、学习、健康) and the harm questions of
附件4 step 3 (危机评估); the guardianship items carry the aspect of 4.2.1 they speak to
(监护缺失、监护不当、监护不足, with 二(二)'s own breakdown of 监护缺失). Provincial standards
(湖北 DB42/T 1969, 上海 DB31/T 1305) were read for the shape only (grouped items answered
from a fixed list, weights, graded thresholds, a reassessment period per grade); nothing is
copied from them. The province adjusts wording, weights and thresholds on the screen
评估指标 (a new version each time); this list is only where the first version comes from.
"""

# Answers. A score is multiplied by the item's weight; `floor` raises the grade to at least
# that grade whatever the total (a child in danger now is 高风险 even if nothing else is wrong).
PRESENT = (
    {"label": "否", "score": 0},
    {"label": "部分存在", "score": 1},
    {"label": "存在", "score": 2},
)
SERIOUS_MISSING = (
    {"label": "否", "score": 0},
    {"label": "部分存在", "score": 1},
    {"label": "存在", "score": 2, "floor": "high"},
)
HARM = (
    {"label": "否", "score": 0},
    {"label": "疑似", "score": 2, "floor": "medium"},
    {"label": "确认", "score": 3, "floor": "high"},
)
DANGER = (
    {"label": "否", "score": 0},
    {"label": "是", "score": 3, "floor": "high"},
)


def _item(code, group, text, weight, source, options=PRESENT, aspect=""):
    return {
        "code": code,
        "group": group,
        "aspect": aspect,
        "text": text,
        "weight": weight,
        "options": [dict(o) for o in options],
        "source": source,
    }


ITEMS = [
    # 监护 (4.2.1; 二(二) 监护缺失主要包括无人监护、父母一方外出另一方无监护能力、委托监护人
    # 监护能力不足或者监护不到位; 6.3.1)
    _item(
        "g_unattended",
        "guardianship",
        "儿童无人监护或脱离监护",
        3,
        "二(二)“监护缺失（主要包括无人监护…）”；6.3.1“发现儿童脱离监护”；"
        "4.2.1“对监护人存在严重监护缺失的行为，应及时报告和启动临时监护”",
        SERIOUS_MISSING,
        "missing",
    ),
    _item(
        "g_one_away",
        "guardianship",
        "父母一方外出，另一方无监护能力",
        3,
        "二(二)“父母一方外出另一方无监护能力”",
        aspect="missing",
    ),
    _item(
        "g_incapable",
        "guardianship",
        "监护人丧失监护能力（重病、重残、服刑、失联等）",
        3,
        "6.3.1“监护人丧失监护能力”",
        aspect="missing",
    ),
    _item(
        "g_neglect",
        "guardianship",
        "监护人不履行监护责任（放任不管、长期不闻不问）",
        3,
        "6.3.1“不履行监护责任”；4.2.1“监护不当”",
        aspect="improper",
    ),
    _item(
        "g_harsh",
        "guardianship",
        "监护人打骂、体罚或以其他不当方式管教",
        3,
        "4.2.1“监护不当”；4.2.6“家庭关系调适…指导监护人更好地履行监护责任”",
        aspect="improper",
    ),
    _item(
        "g_entrusted_weak",
        "guardianship",
        "委托监护人监护能力不足（年老、体弱、无力照料等）",
        2,
        "二(二)“委托监护人监护能力不足”",
        aspect="insufficient",
    ),
    _item(
        "g_not_in_place",
        "guardianship",
        "监护不到位：饮食起居、安全看护常无人照料",
        2,
        "二(二)“监护不到位”；4.2.1“监护不足”",
        aspect="insufficient",
    ),
    # 生活 (5.3; 4.2.2; 4.2.7)
    _item(
        "l_poverty",
        "living",
        "家庭经济困难，基本生活难以保障",
        1,
        "4.2.2“对经济困难家庭提供基本生活保障”",
    ),
    _item(
        "l_benefits",
        "living",
        "符合条件的救助、福利政策未落实",
        1,
        "6.3.2“协助申请社会救助、社会福利”；附件4“协助申办”",
    ),
    _item(
        "l_after_school",
        "living",
        "放学后无人照料辅导",
        1,
        "4.2.7“为放学后无人照料辅导的未成年人提供学业辅导”",
    ),
    _item(
        "l_no_hukou",
        "living",
        "无户籍，影响就学、就医或享受政策",
        1,
        "二(二)“无户籍…的农村留守儿童”",
    ),
    # 学习 (5.3; 4.1.5)
    _item(
        "s_out",
        "study",
        "义务教育阶段失学或辍学",
        2,
        "二(二)“失学辍学”；4.1.5“本辖区内无法解决的义务教育阶段失学辍学情况”",
    ),
    _item(
        "s_at_risk",
        "study",
        "因家庭经济困难等面临失学危险",
        1,
        "4.1.5“因家庭经济困难而面临失学危险的儿童”",
    ),
    _item(
        "s_struggle",
        "study",
        "厌学、经常缺课或学习困难无人辅导",
        1,
        "5.3“了解其监护、生活、学习、健康等状况”；4.2.7“学业辅导”",
    ),
    # 健康 (5.3; 二(二) 残疾患病; 6.3.2)
    _item(
        "h_disabled_ill",
        "health",
        "残疾或患重大疾病",
        1,
        "二(二)“残疾患病的农村留守儿童”；6.3.1“遭遇突发事件或重大疾病”",
    ),
    _item(
        "h_untreated",
        "health",
        "患病、受伤未及时就医或康复",
        2,
        "6.3.2“医疗救治”；附件4第3步“伤情处理”",
    ),
    _item(
        "h_mind",
        "health",
        "有明显的情绪、心理或行为问题",
        1,
        "6.3.2“心理疏导、行为矫治”；附件4第6步“情绪处理、压力等心理服务”",
    ),
    # 伤害情形 (附件4 step 3 危机评估: 疑似伤害 / 无伤害，低危 / 中高危; 6.3.1)
    _item(
        "x_violence",
        "harm",
        "遭受家庭暴力",
        3,
        "6.3.1“疑似遭受家庭暴力”；附件4第3步“危机评估：疑似伤害”",
        HARM,
    ),
    _item(
        "x_unlawful",
        "harm",
        "遭受不法侵害（性侵害、拐卖、欺凌等）",
        3,
        "6.3.1“疑似遭受…不法侵害”；5.2“发生严重家庭暴力或不法侵害等紧急情况”",
        HARM,
    ),
    _item(
        "x_accident",
        "harm",
        "遭遇意外伤害或突发事件",
        2,
        "6.3.1“意外伤害…遭遇突发事件”",
        HARM,
    ),
    _item(
        "x_danger_now",
        "harm",
        "当前处境危险，需要带离现场或紧急庇护",
        3,
        "附件4第4步“强制干预：带离现场或紧急庇护”；附件4第3步“中高危”",
        DANGER,
    ),
]

# Grades, lowest first: the total weighted score from which each applies, its visit
# frequency (documents/constants/children.py: VISIT_FREQUENCIES) and how soon it is
# assessed again (REASSESS_PERIODS). One item present on 监护缺失 (2 × 3 = 6) is 中风险;
# 监护缺失 with another problem besides, or a confirmed harm with more, is 高风险.
GRADES = [
    {"code": "low", "min_score": 0, "frequency": "quarterly", "reassess": "half_year"},
    {"code": "medium", "min_score": 6, "frequency": "monthly", "reassess": "quarter"},
    {"code": "high", "min_score": 12, "frequency": "biweekly", "reassess": "month"},
]
# The weighted score of an aspect's items at which the guardianship outcome is that aspect.
ASPECT_THRESHOLDS = {"missing": 3, "improper": 3, "insufficient": 2}

NOTE = "默认指标（依据《宁夏乡镇（街道）未成年人保护工作站建设实施方案》原文整理）"


def scale() -> dict:
    return {
        "items": [dict(i, options=[dict(o) for o in i["options"]]) for i in ITEMS],
        "grades": [dict(g) for g in GRADES],
        "aspects": dict(ASPECT_THRESHOLDS),
        "note": NOTE,
    }
