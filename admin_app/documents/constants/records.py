"""The station's work records, the audit log's names of collections, the to-dos."""

# ---- the station's work records (附件2 4.2.5–4.3, 6.1, 6.4; 三(一), 五(四)) ----
PUBLICITY_KINDS = (
    ("law_policy", "法规政策宣传"),
    ("director_training", "儿童主任培训"),
    ("volunteer_training", "志愿者培训"),
    ("staff_training", "督导员、社工业务培训"),
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
    ("migrations", "数据迁移记录"),
)

# ---- to-dos: what is waiting, one label each wherever it is shown (landing page, list
# banners, reports) ----
TODOS = (
    ("review_overdue", "审核已超期的档案"),
    ("review", "待督导员审核的档案"),
    ("returned", "督导员退回修改的档案"),
    ("visit_overdue", "计划走访已逾期"),
    ("visit_soon", "7 天内应走访"),
    ("high_risk_unvisited", "高风险儿童超过走访周期未走访"),
    ("turning_18", "90 天内年满 18 周岁"),
    ("assessment_overdue", "重新评估已逾期"),
    ("assessment_soon", "14 天内应重新评估"),
    ("agreement_missing", "留守儿童未签订委托照护协议"),
    ("first_visit_overdue", "严重侵害案件 24 小时首次家访已超时"),
    ("late_referrals", "转介反馈已逾期"),
)
ARCHIVE_TODOS = TODOS[:10]
# The to-dos a visit answers: on the phone (走访（手机）) each is a filter of the cards.
FIELD_TODOS = (
    "visit_overdue",
    "visit_soon",
    "high_risk_unvisited",
)  # the to-dos about archives: each a filter of the children list

# ---- 五(四) people who do the work and their trainings (issue 16) ----
WORKER_ROLES = (
    ("supervisor", "儿童督导员"),
    ("director", "儿童主任"),
    ("social_worker", "儿童社工"),
    ("volunteer", "志愿者"),
)
# The publicity events that are trainings: their attendance list counts (五(四): the county
# trains every 督导员 and 儿童主任 each year).
TRAINING_KINDS = ("director_training", "volunteer_training", "staff_training")

# ---- 督导抽查 (附件2 3.1.2; issue 16) ----
SPOT_CHECK_KINDS = (("archive", "档案核实"), ("visit", "走访核实"))
SPOT_CHECK_RESULTS = (
    ("pending", "待核实"),
    ("confirmed", "属实"),
    ("discrepancy", "有出入，需更正"),
    ("not_found", "查无此人/未走访"),
)

# ---- 工作考核: a village 儿童主任's and a station's work per period (附件2 3.1.2, 附件3
# 督导考核; issue 16). What each figure counts: services/appraisal/__init__.py.
APPRAISAL_GRADES = (("excellent", "优秀"), ("good", "良好"), ("pass", "合格"), ("fail", "不合格"))
APPRAISAL_FIGURES = (
    ("planned", "应走访（次）"),
    ("on_time", "按时走访（次）"),
    ("late", "逾期完成（次）"),
    ("missed", "逾期未访（次）"),
    ("visits", "走访记录（次）"),
    ("created", "新建档案（份）"),
    ("reviews", "审核（次）"),
    ("returned", "退回修改（次）"),
    ("overdue", "当前逾期待办（项）"),
    ("reports", "发现报告（件）"),
    ("checked", "督导抽查核实（项）"),
    ("discrepancies", "抽查有出入（项）"),
)
