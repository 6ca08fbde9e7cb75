"""The 一人一档 child archive (附件2 2.5, 三(二), 4.1, 4.2)."""

# ---- 一人一档 child archive (附件2 2.5, 三(二), 4.1, 4.2) ----
GENDERS = (("M", "男"), ("F", "女"))
ETHNICITIES = tuple(
    (n, n)
    for n in (
        "汉族 回族 蒙古族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 "
        "哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
        "达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 "
        "俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 "
        "其他"
    ).split()
)
HUKOU_STATUSES = (
    ("local", "本地户籍"),
    ("resident", "外地户籍、经常居住地为本地"),
    ("floating", "流动（暂住）"),
    ("none", "无户籍"),
)
NO_ID_REASONS = (
    ("no_hukou", "无户籍"),
    ("not_issued", "尚未办理身份证号码"),
    ("unknown", "号码不详，待核实"),
)
SCHOOL_STATUSES = (
    ("preschool", "学龄前"),
    ("kindergarten", "在园（幼儿园）"),
    ("in_school", "在校"),
    ("out_of_school", "失学"),
    ("dropped_out", "辍学"),
    ("suspended", "休学"),
    ("graduated", "已毕业/已工作"),
    ("other", "其他"),
)
DISABILITY_KINDS = (
    ("none", "无"),
    ("visual", "视力残疾"),
    ("hearing", "听力残疾"),
    ("speech", "言语残疾"),
    ("physical", "肢体残疾"),
    ("intellectual", "智力残疾"),
    ("mental", "精神残疾"),
    ("multiple", "多重残疾"),
)
DISABILITY_GRADES = (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))
CATEGORIES = (
    ("orphan", "孤儿"),
    ("scattered_orphan", "散居孤儿"),
    ("de_facto_unsupported", "事实无人抚养儿童"),
    ("left_behind", "农村留守儿童"),
    ("self_difficulty", "自身困境儿童"),
    ("family_difficulty", "家庭困境儿童"),
    ("temporary_difficulty", "临时困境儿童"),
    ("migrant", "流动儿童"),
)
GUARDIANSHIP = (
    ("normal", "监护正常"),
    ("none", "无人监护"),
    ("one_away_other_unable", "父母一方外出另一方无监护能力"),
    ("both_away", "父母双方外出务工"),
    ("entrusted_insufficient", "委托监护人监护能力不足"),
    ("inadequate", "监护不到位"),
    ("improper", "监护不当"),
)
RELATIONS = (
    ("father", "父亲"),
    ("mother", "母亲"),
    ("grandfather", "祖父/外祖父"),
    ("grandmother", "祖母/外祖母"),
    ("sibling", "兄弟姐妹"),
    ("relative", "其他亲属"),
    ("entrusted", "受委托监护人"),
    ("other", "其他"),
)
GUARDIAN_SITUATIONS = (
    ("home", "在家"),
    ("migrant_work", "外出务工"),
    ("incapacitated", "无监护能力（重病/重残）"),
    ("imprisoned", "服刑/强制隔离戒毒"),
    ("missing", "失联"),
    ("deceased", "死亡"),
    ("other", "其他"),
)
BENEFITS = (
    ("dibao", "最低生活保障（低保）"),
    ("tekun", "特困人员救助供养"),
    ("orphan_allowance", "孤儿基本生活费"),
    ("unsupported_allowance", "事实无人抚养儿童基本生活补贴"),
    ("temporary_aid", "临时救助"),
    ("medical_aid", "医疗救助"),
    ("rehab_aid", "康复救助"),
    ("severe_disability_care", "重度残疾人护理补贴"),
    ("disability_living", "困难残疾人生活补贴"),
    ("education_aid", "教育资助（助学金）"),
    ("tuition_waiver", "减免学费"),
    ("other", "其他"),
)
BENEFIT_STATUSES = (
    ("receiving", "已享受"),
    ("applying", "申请中"),
    ("refused", "未获批准"),
    ("ended", "已停止"),
)
RISK_LEVELS = (("low", "低风险"), ("medium", "中风险"), ("high", "高风险"))
# The third element is the calendar period of core/periods.py: 每月一次 is once in every
# calendar month on the same day, not every 30 days.
VISIT_FREQUENCIES = (
    ("weekly", "每周一次", "week"),
    ("biweekly", "每半月一次", "half_month"),
    ("monthly", "每月一次", "month"),
    ("quarterly", "每季度一次", "quarter"),
    ("halfyear", "每半年一次", "half_year"),
)
FREQUENCY_PERIODS = {k: p for k, _, p in VISIT_FREQUENCIES}
CHILD_STATUSES = (
    ("active", "在册"),
    ("moved", "已迁出"),
    ("adult", "已满18周岁"),
    ("deceased", "死亡"),
    ("closed", "已销档"),
)
REVIEW_STATUSES = (("pending", "待督导员审核"), ("reviewed", "已审核"), ("returned", "已退回修改"))
REVIEW_WORKDAYS = 5  # 附件2 4.1.1
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

# ---- 农村留守儿童: the parents away and the entrusted carer (三(二); issue 16) ----
# How the child kept in touch with the parents working away since the last visit.
PARENT_CONTACTS = (
    ("weekly", "每周都有联系"),
    ("monthly", "每月有联系"),
    ("rarely", "偶尔联系"),
    ("none", "自上次走访以来未联系"),
)
LEFT_BEHIND = "left_behind"

# ---- 监护状况评估 and 风险等级评估 (4.2.1, 4.2.3, 5.3, 附件4 step 3; issue 15) ----
# The indicator groups, as 5.3 names what a visit learns (监护、生活、学习、健康) and the
# harm questions of 附件4 step 3 (危机评估).
ASSESSMENT_GROUPS = (
    ("guardianship", "监护状况"),
    ("living", "生活状况"),
    ("study", "学习状况"),
    ("health", "健康状况"),
    ("harm", "伤害情形"),
)
# The guardianship outcome (4.2.1: 监护缺失、监护不当、监护不足), most serious first: the
# first aspect whose items reach its threshold names the outcome.
GUARDIANSHIP_ASPECTS = (
    ("missing", "监护缺失"),
    ("improper", "监护不当"),
    ("insufficient", "监护不足"),
)
GUARDIANSHIP_OUTCOMES = (*GUARDIANSHIP_ASPECTS, ("normal", "监护正常"))
RISK_COLOURS = {"low": "#2e7d32", "medium": "#e65100", "high": "#c62828"}
RISK_COLOUR_NAMES = {"low": "绿色", "medium": "橙色", "high": "红色"}
# How soon a grade is assessed again: a calendar period of core/periods.py.
REASSESS_PERIODS = (("month", "每月"), ("quarter", "每季度"), ("half_year", "每半年"))
