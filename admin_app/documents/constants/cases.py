"""Cases (附件4) and the three forms (附件5–7)."""

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

# ---- reports from outside (issue 15): the station's public page (QR) and the hotline ----
PUBLIC_CHANNELS = (("qr", "扫码报告"), ("hotline", "热线来电"))
PUBLIC_STATUSES = (("new", "待受理"), ("accepted", "已受理"), ("rejected", "不予受理"))
# Who the sender is, in a neighbour's words, and the 附件6 identity it becomes.
PUBLIC_RELATIONS = (
    ("self", "我就是这个孩子", "self"),
    ("family", "孩子的家人或亲戚", "relative"),
    ("neighbour", "邻居或同村（社区）的人", "community"),
    ("school", "老师或同学", "teacher"),
    ("medical", "医生或护士", "medical"),
    ("other", "其他", "other"),
)
PUBLIC_REJECT_REASONS = (
    ("spam", "无效信息或骚扰"),
    ("duplicate", "重复报告（已受理过同一情况）"),
    ("other", "其他（请注明）"),
)
PUBLIC_ACCEPT_HOURS = 24  # our choice: a report is taken in hand within 24 hours of sending
PUBLIC_MAX_PHOTOS = 3
PUBLIC_MAX_PHOTO_BYTES = 5 * 1024 * 1024
NATIONAL_HOTLINES = (("12345", "政务服务便民热线"), ("12349", "民政服务热线"), ("110", "报警电话"))
