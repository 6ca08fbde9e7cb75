"""Every choice list and limit, once, with the seed's Chinese labels.

Forms, list columns, exports and Word templates read their labels from here.
"""

# Place levels, top down.
PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "township", "village"
PLACE_LEVELS = (
    (PROVINCE, "自治区"),
    (CITY, "市"),
    (COUNTY, "县（区）"),
    (TOWNSHIP, "乡镇（街道）"),
    (VILLAGE, "村（居）"),
)
LEVEL_DEPTH = {PROVINCE: 0, CITY: 1, COUNTY: 2, TOWNSHIP: 3, VILLAGE: 4}
PROVINCE_CODE = "640000000000"
PROVINCE_NAME = "宁夏回族自治区"

# Roles. Each role belongs to a place of one level.
ROLE_PROVINCE = "province"
ROLE_CITY = "city"
ROLE_COUNTY = "county"
ROLE_STATION = "station"
ROLE_SOCIAL_WORKER = "social_worker"
ROLE_VILLAGE = "village"
ROLES = (
    (ROLE_PROVINCE, "自治区民政厅儿童福利处"),
    (ROLE_CITY, "市民政局"),
    (ROLE_COUNTY, "县（区）民政局"),
    (ROLE_STATION, "未保站专门人员/儿童督导员"),
    (ROLE_SOCIAL_WORKER, "儿童社工"),
    (ROLE_VILLAGE, "村（居）儿童主任"),
)
ROLE_LEVEL = {
    ROLE_PROVINCE: PROVINCE,
    ROLE_CITY: CITY,
    ROLE_COUNTY: COUNTY,
    ROLE_STATION: TOWNSHIP,
    ROLE_SOCIAL_WORKER: TOWNSHIP,
    ROLE_VILLAGE: VILLAGE,
}
# Roles that manage accounts, and the roles each may create (inside its own place).
ROLE_CAN_CREATE = {
    ROLE_PROVINCE: {r for r, _ in ROLES},
    ROLE_CITY: {ROLE_CITY, ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER, ROLE_VILLAGE},
    ROLE_COUNTY: {ROLE_COUNTY, ROLE_STATION, ROLE_SOCIAL_WORKER, ROLE_VILLAGE},
}
SUPERVISORS = (ROLE_PROVINCE, ROLE_CITY, ROLE_COUNTY)
STATION_STAFF = (ROLE_STATION, ROLE_SOCIAL_WORKER)

# 四(一)1 选址 / setup mode.
SETUP_MODES = (
    ("standalone", "单独设置"),
    ("dual", "“社工站+未保站”双站合一"),
    ("service_center", "依托乡镇（街道）便民服务中心"),
    ("education_base", "依托教育实践基地"),
    ("activity_center", "依托活动中心等活动场所"),
)
# 四(一)3 设置: office area rooms, service area rooms, equipment.
OFFICE_ROOMS = (("office", "办公室"), ("archive", "档案室"), ("conference", "个案会商室"))
SERVICE_ROOMS = (
    ("counselling", "心理疏导室（私密区域）"),
    ("casework", "个案服务室（私密区域）"),
    ("recreation", "文体活动室（开放区域）"),
    ("reading", "阅览室（开放区域）"),
)
EQUIPMENT = (("desks", "桌椅"), ("computer", "电脑"), ("printer", "打印机"), ("cabinet", "档案柜"))
# 四(三): rules drawn up and posted on the wall.
WALL_RULES = (("rules", "工作制度"), ("workflow", "工作流程"), ("duties", "岗位职责"))
# 四(二), 附件2 2.2–2.4, 6.4.2: station staff.
STAFF_ROLES = (
    ("designated", "专门人员"),
    ("supervisor", "儿童督导员"),
    ("social_worker", "儿童社工"),
    ("volunteer", "志愿者"),
)
SOCIAL_WORK_QUALIFICATIONS = (
    ("none", "无"),
    ("assistant", "助理社会工作师"),
    ("intermediate", "社会工作师"),
    ("senior", "高级社会工作师"),
)
BUILD_STATUSES = (
    ("planned", "未启动"),
    ("building", "建设中"),
    ("built", "已建成"),
)
ACCEPTANCE_RESULTS = (
    ("passed", "验收合格"),
    ("rectify", "限期整改"),
    ("failed", "验收不合格"),
)
BUILT = "built"
ACCEPTED = "passed"

# 附件1 and 二: yearly targets, the province totals, the 8/31 deadline (五(一)).
TARGET_YEARS = (2023, 2024)
PROVINCE_TARGETS = {2023: 153, 2024: 90}
DEADLINE_MONTH_DAY = (8, 31)

# Limits.
MAX_NAME_LEN = 50
MAX_NOTE_LEN = 500
MAX_TARGET = 100
MIN_PASSWORD_LEN = 10

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
REVIEW_STATUSES = (("pending", "待督导员审核"), ("reviewed", "已审核"))
REVIEW_WORKDAYS = 5  # 附件2 4.1.1
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

# ---- cases (附件4) and the three forms (附件5–7) ----
CASE_CHANNELS = (
    ("hotline", "未保热线"),
    ("platform", "平台转接"),
    ("mandatory", "强制报告"),
    ("visit", "走访发现"),
    ("school", "学校"),
    ("hospital", "医院"),
    ("police", "公安"),
    ("walk_in", "来访求助"),
    ("other", "其他"),
)
CASE_CLASSES = (
    ("policy_consult", "政策咨询"),
    ("event_consult", "事件咨询"),
    ("report", "报告案例"),
    ("help", "求助案例"),
)
CONSULT_CLASSES = ("policy_consult", "event_consult")
CASE_STEPS = (
    ("intake", "1 发现报告"),
    ("classified", "2 分类转介"),
    ("assessed", "3 危机评估"),
    ("intervention", "4 强制干预"),
    ("placement", "5 协助安置"),
    ("referral", "6 跟踪转介"),
    ("follow_up", "7 跟踪回访"),
    ("archived", "8 组卷归档"),
    ("consult_closed", "咨询办结"),
)
CLOSED_STEPS = ("archived", "consult_closed")  # a case in these is finished: nothing more is done
HARM = (("suspected", "疑似伤害"), ("none", "无伤害"))
RISK = (("low", "低危"), ("mid_high", "中高危"))
INTERVENTIONS = (
    ("report_up", "报告上级"),
    ("removal", "带离现场"),
    ("shelter", "紧急庇护"),
    ("police_110", "报警（110）"),
    ("injury_care", "伤情处理"),
)
PLACEMENT_SERVICES = (
    ("family_guidance", "协助家庭教育指导、监护指导"),
    ("family_relations", "协助协调家庭关系、修复亲子关系"),
    ("hardship_aid", "未成年人及其家庭困难帮扶"),
    ("psych", "未成年人及其家庭成员情绪处理、压力等心理服务"),
    ("assessment", "协助联系专业人士对个案进行专业评估"),
    ("protection_order", "协助申请（紧急）人身安全保护令"),
    ("temporary_placement", "协助、联络安排临时安置"),
    ("accompany", "配合相关部门介入、陪伴及协助受害未成年人及其家庭"),
    ("other_services", "协调其他专业服务支持（个案服务、心理咨询、医护、教育等）"),
)
FOLLOW_REFERRALS = (
    ("filed", "立案"),
    ("criticism", "批评教育"),
    ("warning", "出具告诫书"),
    ("case_service", "转介个案服务"),
    ("psych_service", "转介心理服务"),
    ("hospital_follow", "医院受伤害未成年人跟进服务"),
    ("compulsory_education", "强制教育"),
)
FOLLOW_UP_ITEMS = (
    ("rehab", "受伤害儿童康复状况及再受伤害可能评估"),
    ("placement_assessment", "儿童安置评估，回归正常家庭和学校生活"),
    ("temporary", "临时安置"),
    ("long_term", "长期安置（收养、寄养、机构教育等）"),
)
REPORTER_IDENTITIES = (
    ("self", "未成年人本人"),
    ("guardian", "未成年人监护人"),
    ("relative", "其他亲属（请注明）"),
    ("community", "社区人员（邻居等）"),
    ("village_staff", "村（居）委工作人员"),
    ("teacher", "学校老师"),
    ("classmate", "学校同学"),
    ("medical", "医务人员"),
    ("volunteer", "志愿者"),
    ("station_staff", "未保站工作人员"),
    ("social_org", "社会组织"),
    ("other", "其他（请注明）"),
)
REPORTER_NOTE_REQUIRED = ("relative", "other")
REPORT_METHODS = (
    ("phone", "电话"),
    ("in_person", "面对面"),
    ("letterbox", "信箱"),
    ("email", "邮箱"),
    ("wechat", "微信"),
    ("other", "其它（请注明）"),
)
UNIT_KINDS = (
    ("police", "公安派出所"),
    ("hospital", "医院"),
    ("school", "学校"),
    ("legal_aid", "法律援助机构"),
    ("psych", "心理服务机构"),
    ("county_center", "县级未成年人救助保护中心"),
    ("social_org", "社会组织"),
    ("civil_affairs", "民政部门"),
    ("court", "人民法院"),
    ("procuratorate", "人民检察院"),
    ("women_federation", "妇联"),
    ("other", "其他"),
)
REFERRAL_STATUSES = (
    ("sent", "已转介"),
    ("received", "已接收"),
    ("feedback", "已反馈"),
    ("closed", "已办结"),
)
OPEN_REFERRAL_STATUSES = ("sent", "received")  # waiting for the unit's feedback
REFERRAL_FEEDBACK_DAYS = 10  # our choice: feedback expected within 10 days of sending
CONFERENCE_PARTIES = (
    ("education", "教育"),
    ("police", "公安"),
    ("civil_affairs", "民政"),
    ("health", "卫生健康"),
    ("youth_league", "共青团"),
    ("women_federation", "妇联"),
    ("village_committee", "村（居）民委员会"),
    ("relatives", "儿童亲属"),
    ("social_work", "社会工作专业服务机构"),
)
# Roles who may see an anonymous reporter's identity (and every showing is logged).
ANONYMOUS_REPORTER_ROLES = ("station", "county")
FIRST_VISIT_HOURS = 24  # 附件2 5.2

# ---- the station's work records (附件2 4.2.5–4.3, 6.1, 6.4; 三(一), 五(四)) ----
PUBLICITY_KINDS = (
    ("law_policy", "法规政策宣传"),
    ("director_training", "儿童主任培训"),
    ("volunteer_training", "志愿者培训"),
    ("family_lecture", "家庭教育讲座"),
    ("parent_child", "亲子活动"),
    ("self_protection", "自我保护教育"),
    ("service_point", "设立服务宣传点/发放宣传单"),
    ("other", "其他"),
)
ACTIVITY_PLACES = (("children_home", "儿童之家"), ("after_school", "四点半课堂"))
ACTIVITY_KINDS = (
    ("tutoring", "学业辅导"),
    ("growth", "成长教育"),
    ("interest", "兴趣小组"),
    ("practice", "实践活动"),
    ("temporary_care", "临时照料"),
    ("psych_support", "心理支持"),
    ("other", "其他"),
)
ORG_KINDS = (
    ("social_work", "社会工作服务机构"),
    ("psych", "心理咨询机构"),
    ("legal", "法律服务机构"),
    ("education", "教育服务机构"),
    ("charity", "慈善组织"),
    ("other", "其他"),
)
CARE_MODES = (("voluntary", "自愿助养"), ("foster", "家庭寄养"), ("temporary", "临时照料"))
PLAN_STATUSES = (("draft", "草稿"), ("adopted", "已确定"))
REPORT_HALVES = (("H1", "上半年"), ("H2", "下半年"))

# What each collection holds, as the audit log names it.
COLLECTION_LABELS = (
    ("places", "地区"),
    ("stations", "未保站"),
    ("allocations", "建设任务分配表"),
    ("users", "用户"),
    ("children", "儿童档案"),
    ("child_history", "档案变更历史"),
    ("child_id_numbers", "身份证号码登记"),
    ("transfer_traces", "迁出记录"),
    ("visit_books", "走访计划与记录"),
    ("attachments", "照片和扫描件"),
    ("cases", "案件"),
    ("mandatory_reports", "强制报告登记表（附件6）"),
    ("help_requests", "疑似伤害事件求助登记表（附件5）"),
    ("referrals", "服务转介记录表（附件7）"),
    ("receiving_units", "转介接收单位"),
    ("dossiers", "案卷"),
    ("publicity_events", "宣传培训"),
    ("community_activities", "儿童之家与四点半课堂"),
    ("volunteers", "志愿者"),
    ("social_organizations", "社会组织"),
    ("caring_families", "爱心家庭"),
    ("work_plans", "年度工作计划"),
    ("half_year_reports", "半年汇报记录"),
    ("holiday_years", "放假调休安排"),
    ("rosters", "花名册"),
    ("roster_summaries", "乡镇统计"),
    ("audit_log", "审计日志"),
)

# ---- to-dos: what is waiting, one label each wherever it is shown (landing page, list
# banners, reports) ----
TODOS = (
    ("review_overdue", "审核已超期的档案"),
    ("review", "待督导员审核的档案"),
    ("visit_overdue", "计划走访已逾期"),
    ("visit_soon", "7 天内应走访"),
    ("high_risk_unvisited", "高风险儿童超过走访周期未走访"),
    ("turning_18", "90 天内年满 18 周岁"),
    ("first_visit_overdue", "严重侵害案件 24 小时首次家访已超时"),
    ("late_referrals", "转介反馈已逾期"),
)
ARCHIVE_TODOS = TODOS[:6]  # the to-dos about archives: each a filter of the children list
