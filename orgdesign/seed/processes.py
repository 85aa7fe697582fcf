"""Cross-unit processes of the seed (chapter 01, 跨部门协作流程), each step with its RACI matrix.

A promotion runs from 市场部's plan through 促销与活动执行部's execution to 销售部's terminals
and back to an evaluation. The deck's 费用控制与效果评估 is a function of 促销与活动执行部 with no
seat of its own (see marketing.py); its budget and evaluation work falls to the 促销经理, whose
duties are 促销资源管理 and 促销效果评估. Every step has exactly one Accountable (A).
"""

# (code, owning unit code, name, English name, description,
#  [(step, English step, description, {position code: role})])
PROCESSES = [
    (
        "PRC-PROMO",
        "MKT-PE",
        "促销活动从策划到效果评估",
        "Promotion campaign: from plan to effect evaluation",
        "促销活动跨市场部、促销与活动执行部和销售部的全过程:方案、预算、资源、执行、终端落地、评估与复盘。\n"
        "A promotion across the Market, Promotion & Events and Sales departments: plan, budget, resources, "
        "execution, roll-out at the terminals, evaluation and review.",
        [
            (
                "制定促销方案",
                "Draw up the promotion plan",
                "根据市场情况和公司策略,制定具体的促销方案。",
                {"PE-PRM": "A", "MR-PLM": "R", "MR-BM": "C", "SA-MGR": "C", "PE-EVM": "I", "PE-TMM": "I"},
            ),
            (
                "费用预算",
                "Cost budget",
                "对促销活动费用进行预算,由营销总监批准(费用控制与效果评估)。",
                {"MKT-DIR": "A", "PE-PRM": "R", "MR-PLM": "C", "SA-MGR": "C", "PE-EVM": "I"},
            ),
            (
                "资源分配",
                "Allocate resources",
                "合理分配赠品、折扣、人员和渠道等促销资源。",
                {"PE-PRM": "A", "PE-EVM": "R", "SA-CHM": "R", "SA-RSM": "C", "PE-TMM": "I"},
            ),
            (
                "活动执行",
                "Run the events",
                "制定活动执行计划,负责现场布置、人员协调和流程控制。",
                {"PE-EVM": "A", "SA-RSM": "R", "MR-BM": "C", "PE-PRM": "C", "SA-MGR": "I"},
            ),
            (
                "终端落地",
                "Roll out at the retail terminals",
                "确保促销政策和形象在终端门店与渠道得到有效执行。",
                {"PE-TMM": "A", "SA-RSM": "R", "SA-CHM": "R", "PE-PRM": "C", "PE-EVM": "I"},
            ),
            (
                "效果评估与复盘",
                "Evaluate the effect and review",
                "收集并分析促销数据,评估费用与效果,提出优化建议(费用控制与效果评估)。",
                {
                    "PE-PRM": "A", "MR-PLM": "R", "PE-EVM": "R", "SA-MGR": "C", "MR-BM": "C",
                    "MKT-DIR": "I", "PE-TMM": "I", "SA-RSM": "I", "SA-CHM": "I",
                },
            ),
        ],
    ),
]  # fmt: skip
