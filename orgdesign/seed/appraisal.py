"""The seed indicator library and KPI sets for the marketing organisation.

Results indicators are quantitative and follow what each family of positions is for in the
deck (sales-target attainment for sales, promotion budget execution for promotion, customer
satisfaction for service, ...); ability and attitude are rated on five described levels.
"""

# (code, dimension, name, English name, unit, direction, data source, how it is measured)
QUANTITATIVE = [
    (
        "R-SALES",
        "results",
        "销售目标达成率",
        "Sales target attainment",
        "%",
        "higher",
        "销售系统",
        "实际销售额 ÷ 目标销售额 × 100%",
    ),
    (
        "R-COLLECT",
        "results",
        "货款回收率",
        "Receivables collection rate",
        "%",
        "higher",
        "财务系统",
        "当期回收货款 ÷ 当期应收货款 × 100%",
    ),
    ("R-BRAND", "results", "品牌知名度", "Brand awareness", "%", "higher", "市场调研报告", "目标人群中知晓品牌的比例"),
    (
        "R-PLAN",
        "results",
        "工作计划完成率",
        "Work plan completion",
        "%",
        "higher",
        "部门工作计划",
        "按期完成的计划事项 ÷ 计划事项总数 × 100%",
    ),
    (
        "R-EVENT",
        "results",
        "活动按计划执行率",
        "Events delivered to plan",
        "%",
        "higher",
        "活动执行记录",
        "按计划完成的活动 ÷ 计划活动总数 × 100%",
    ),
    (
        "R-PROMO-BUDGET",
        "results",
        "促销预算执行率",
        "Promotion budget execution",
        "%",
        "lower",
        "财务系统",
        "实际促销费用 ÷ 促销预算 × 100%,越低越好",
    ),
    (
        "R-CSAT",
        "results",
        "客户满意度",
        "Customer satisfaction",
        "分",
        "higher",
        "客户回访调查",
        "回访调查的平均满意度得分(百分制)",
    ),
    (
        "R-COMPLAINT",
        "results",
        "投诉及时处理率",
        "Complaints handled on time",
        "%",
        "higher",
        "客服系统",
        "在承诺时限内处理完毕的投诉 ÷ 投诉总数 × 100%",
    ),
    (
        "R-DELIVERY",
        "results",
        "订单准时交付率",
        "On-time delivery",
        "%",
        "higher",
        "仓储物流系统",
        "准时交付的订单 ÷ 订单总数 × 100%",
    ),
    (
        "R-INVENTORY",
        "results",
        "库存账实相符率",
        "Inventory accuracy",
        "%",
        "higher",
        "盘点记录",
        "账实相符的库存品项 ÷ 盘点品项总数 × 100%",
    ),
    (
        "R-TRAINING",
        "results",
        "培训计划完成率",
        "Training plan completion",
        "%",
        "higher",
        "培训记录",
        "完成的培训课时 ÷ 计划课时 × 100%",
    ),
    (
        "R-UPTIME",
        "results",
        "系统可用率",
        "System availability",
        "%",
        "higher",
        "系统监控",
        "系统正常运行时间 ÷ 计划运行时间 × 100%",
    ),
]

# (code, dimension, name, English name, description)
RATED = [
    ("A-PRO", "ability", "专业能力", "Professional competence", "岗位所需专业知识与技能的掌握和运用"),
    ("A-COMM", "ability", "沟通协调能力", "Communication and coordination", "与上下级及其他部门沟通协作的效果"),
    ("T-RESP", "attitude", "责任心", "Sense of responsibility", "对本职工作的投入与担当"),
    ("T-TEAM", "attitude", "团队合作", "Teamwork", "支持同事、共同完成团队目标的表现"),
]

# (level, points, description, English)
LEVELS = [
    (1, "40", "远未达到岗位要求", "Far below what the position needs"),
    (2, "60", "部分达到岗位要求", "Partly meets what the position needs"),
    (3, "75", "达到岗位要求", "Meets what the position needs"),
    (4, "90", "超出岗位要求", "Exceeds what the position needs"),
    (5, "100", "远超岗位要求,可作为标杆", "Far exceeds it; a model for others"),
]

# Targets of the results indicators.
TARGETS = {
    "R-SALES": "100", "R-COLLECT": "95", "R-BRAND": "60", "R-PLAN": "100", "R-EVENT": "100",
    "R-PROMO-BUDGET": "100", "R-CSAT": "90", "R-COMPLAINT": "95", "R-DELIVERY": "98", "R-INVENTORY": "99.5",
    "R-TRAINING": "100", "R-UPTIME": "99.9",
}  # fmt: skip

# Every set weighs results 60, ability 25, attitude 15, with these ability and attitude items.
DIMENSION_WEIGHTS = {"results_weight": "60", "ability_weight": "25", "attitude_weight": "15"}
COMMON_ITEMS = [("A-PRO", "50"), ("A-COMM", "50"), ("T-RESP", "50"), ("T-TEAM", "50")]

# (code, name, English name, results items [(indicator, weight)], position codes)
SETS = [
    (
        "KS-DIR",
        "营销总监考核指标",
        "Marketing Director KPIs",
        [("R-SALES", "50"), ("R-BRAND", "20"), ("R-CSAT", "30")],
        ["MKT-DIR"],
    ),
    (
        "KS-MR-MGT",
        "市场部管理岗考核指标",
        "Market Department management KPIs",
        [("R-BRAND", "40"), ("R-PLAN", "30"), ("R-SALES", "30")],
        ["MR-MGR", "MR-DEP"],
    ),
    ("KS-PRODUCT", "产品岗考核指标", "Product KPIs", [("R-PLAN", "50"), ("R-SALES", "50")], ["MR-PM", "MR-PS"]),
    ("KS-BRAND", "品牌岗考核指标", "Brand KPIs", [("R-BRAND", "60"), ("R-PLAN", "40")], ["MR-BM", "MR-BS"]),
    (
        "KS-PLANNING",
        "市场策划岗考核指标",
        "Marketing planning KPIs",
        [("R-EVENT", "50"), ("R-PLAN", "50")],
        ["MR-PLM", "MR-PLS"],
    ),
    (
        "KS-SA-MGT",
        "销售部管理岗考核指标",
        "Sales Department management KPIs",
        [("R-SALES", "60"), ("R-COLLECT", "40")],
        ["SA-MGR", "SA-DEP"],
    ),
    (
        "KS-SALES",
        "区域销售考核指标",
        "Regional sales KPIs",
        [("R-SALES", "70"), ("R-COLLECT", "30")],
        ["SA-RSM", "SA-REP"],
    ),
    ("KS-CHANNEL", "渠道岗考核指标", "Channel KPIs", [("R-SALES", "60"), ("R-PLAN", "40")], ["SA-CHM", "SA-CHS"]),
    (
        "KS-CRM",
        "客户关系岗考核指标",
        "Customer relationship KPIs",
        [("R-CSAT", "60"), ("R-COMPLAINT", "40")],
        ["SA-CRM", "SA-CSS"],
    ),
    (
        "KS-PROMO",
        "促销岗考核指标",
        "Promotion KPIs",
        [("R-PROMO-BUDGET", "50"), ("R-EVENT", "50")],
        ["PE-PRM", "PE-PRS"],
    ),
    (
        "KS-EVENT",
        "活动执行岗考核指标",
        "Event execution KPIs",
        [("R-EVENT", "70"), ("R-PROMO-BUDGET", "30")],
        ["PE-EVM", "PE-EVS"],
    ),
    (
        "KS-TERMINAL",
        "终端管理岗考核指标",
        "Retail terminal KPIs",
        [("R-SALES", "50"), ("R-PLAN", "50")],
        ["PE-TMM", "PE-TMS"],
    ),
    (
        "KS-LOGISTICS",
        "物流仓储岗考核指标",
        "Logistics KPIs",
        [("R-DELIVERY", "60"), ("R-INVENTORY", "40")],
        ["SS-LGM", "SS-LGS"],
    ),
    (
        "KS-AFTERSALES",
        "售后服务岗考核指标",
        "After-sales KPIs",
        [("R-CSAT", "50"), ("R-COMPLAINT", "50")],
        ["SS-ASM", "SS-ASS"],
    ),
    ("KS-TRAINING", "培训岗考核指标", "Training KPIs", [("R-TRAINING", "100")], ["SS-TDM", "SS-TDS"]),
    (
        "KS-IT",
        "信息技术支持岗考核指标",
        "IT support KPIs",
        [("R-UPTIME", "60"), ("R-PLAN", "40")],
        ["SS-ITM", "SS-ITS"],
    ),
    ("KS-CS", "客服部考核指标", "Customer Service KPIs", [("R-CSAT", "60"), ("R-COMPLAINT", "40")], ["CS-MGR"]),
]

# Demo cycles: (name, start, end, self deadline, review deadline, final state)
DEMO_CYCLES = [
    ("2026-Q2", "2026-04-01", "2026-06-30", "2026-07-10", "2026-07-20", "closed"),
    ("2026-Q3", "2026-07-01", "2026-09-30", "2026-10-10", "2026-10-20", "open"),
]
