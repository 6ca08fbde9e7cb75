"""The station: how it is set up and staffed, its build status, the allocation table (附件1), limits."""

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

# ---- 五(三) station funds and government-purchased services (issue 16) ----
FUND_KINDS = (("received", "收到补助资金"), ("spent", "资金支出"))
FUND_SOURCES = (
    ("central", "中央财政"),
    ("region", "自治区财政"),
    ("city", "市级财政"),
    ("county", "县（区）财政"),
    ("lottery", "福彩公益金"),
    ("other", "其他"),
)
# What the subsidy is spent on (五(三): 场所、设施设备、运营).
FUND_PURPOSES = (("premises", "场所建设"), ("equipment", "设施设备"), ("operation", "运营服务"))
PROJECT_RESULTS = (("pending", "未验收"), ("passed", "验收合格"), ("failed", "验收不合格"))
