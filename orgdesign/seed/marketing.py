"""The seed organisation: the marketing organisation of the source deck, position by position.

Chinese text is the deck's own (Simplified); English stands beside every name, title and
duty. Where the deck gives a duty a short title it is kept. A "X经理/Y专员" heading is two
positions sharing the heading's duties, the specialist reporting to the manager; deputies
report to their manager; the managers of units without a heading position report to the
marketing director. "费用控制与效果评估" is modelled as duties of 促销与活动执行部 itself:
the deck names it as a function of the unit, not as a seat.
"""

# (code, parent code, kind, name, English name, function, English function, heading position code)
UNITS = [
    (
        "MKT",
        None,
        "headquarters",
        "营销总部",
        "Marketing HQ",
        "负责制定整体营销策略,统筹协调各部门工作,对营销结果负责。",
        "Sets the overall marketing strategy, coordinates the work of all departments and answers for marketing results.",
        "MKT-DIR",
    ),
    (
        "MKT-MR",
        "MKT",
        "department",
        "市场部",
        "Market Department",
        "负责市场调研、竞品分析、品牌定位、市场推广等工作。进行市场研究,制定市场策略,提升品牌知名度和美誉度,为销售提供有力支持。",
        "Market research, competitor analysis, brand positioning and market promotion. Studies the market, sets market "
        "strategy, raises brand awareness and reputation, and gives sales strong support.",
        "MR-MGR",
    ),
    (
        "MKT-SA",
        "MKT",
        "department",
        "销售部",
        "Sales Department",
        "负责销售渠道开发、客户关系维护、销售订单跟进、货款回收等工作。实现公司销售目标,扩大市场份额,维护客户关系,推进货款回收。",
        "Sales channel development, customer relationship maintenance, sales order follow-up and payment collection. "
        "Achieves the company's sales targets, grows market share, maintains customer relationships and drives "
        "collection of receivables.",
        "SA-MGR",
    ),
    (
        "MKT-PE",
        "MKT",
        "department",
        "促销与活动执行部",
        "Promotion & Events Department",
        "负责促销计划的设计与执行、活动策划与现场执行、终端门店管理,以及促销费用控制与效果评估。",
        "Designs and runs promotion plans, plans and executes events, manages retail terminals, and controls promotion "
        "costs and evaluates their effect.",
        None,
    ),
    (
        "MKT-SS",
        "MKT",
        "department",
        "支持与服务部",
        "Support & Service Department",
        "负责物流仓储、售后服务、培训与发展、信息技术支持等工作。",
        "Logistics and warehousing, after-sales service, training and development, and IT support.",
        None,
    ),
    (
        "MKT-CS",
        "MKT",
        "department",
        "客服部",
        "Customer Service Department",
        "负责售前咨询、售后服务、客户投诉处理等工作,提升客户满意度。提供专业、高效的客户服务,解决客户问题,提升客户满意度和忠诚度。",
        "Pre-sales enquiries, after-sales service and customer complaint handling, raising customer satisfaction. "
        "Provides professional, efficient customer service, solves customers' problems and raises their satisfaction "
        "and loyalty.",
        "CS-MGR",
    ),
]

# Duties as (short title, English short title, text, English text); empty titles where the deck gives none.
MR_MGR_DUTIES = [
    (
        "",
        "",
        "制定市场部工作计划和市场策略,并组织实施和监督执行。",
        "Draw up the Market Department's work plan and market strategy, and organise and supervise their execution.",
    ),
    (
        "",
        "",
        "负责市场调研与分析,收集行业信息和市场动态,为公司决策提供支持。",
        "Lead market research and analysis, gathering industry information and market trends to support company decisions.",
    ),
    (
        "",
        "",
        "管理和协调市场部团队,指导、培训和评估下属工作。",
        "Manage and coordinate the Market Department team; guide, train and appraise subordinates.",
    ),
    (
        "",
        "",
        "协调与其他部门的合作,促进公司内部沟通和协作。",
        "Coordinate cooperation with other departments and foster communication and collaboration within the company.",
    ),
]
PRODUCT_DUTIES = [
    (
        "",
        "",
        "负责产品的市场调研和分析,收集用户需求和反馈,制定产品规划和设计方案。",
        "Research and analyse the market for products, collect user needs and feedback, and draw up product plans and designs.",
    ),
    (
        "",
        "",
        "与研发、生产、销售等部门协作,推进产品的开发、生产和上市。",
        "Work with R&D, production, sales and other departments to move products through development, production and launch.",
    ),
    (
        "",
        "",
        "监测和分析产品市场表现,及时调整产品策略和优化产品功能。",
        "Monitor and analyse products' market performance, adjusting product strategy and improving features in good time.",
    ),
    (
        "",
        "",
        "负责产品培训和推广,提高产品的知名度和市场占有率。",
        "Run product training and promotion to raise product awareness and market share.",
    ),
]
BRAND_DUTIES = [
    (
        "",
        "",
        "制定品牌策略和品牌规划,提升品牌价值和知名度。",
        "Set brand strategy and brand plans to raise brand value and awareness.",
    ),
    (
        "",
        "",
        "开展品牌推广活动,提高品牌曝光度和美誉度。",
        "Run brand promotion activities to raise brand exposure and reputation.",
    ),
    (
        "",
        "",
        "负责品牌形象的塑造和传播,管理和维护品牌资产。",
        "Shape and communicate the brand image; manage and maintain brand assets.",
    ),
    (
        "",
        "",
        "监测和分析品牌市场表现,及时调整品牌策略和优化品牌形象。",
        "Monitor and analyse the brand's market performance, adjusting brand strategy and refining the brand image in good time.",
    ),
]
PLANNING_DUTIES = [
    (
        "",
        "",
        "制定市场策划方案和推广计划,组织实施和监督执行。",
        "Draw up marketing plans and promotion schedules; organise and supervise their execution.",
    ),
    (
        "",
        "",
        "监测和分析市场活动效果,及时调整策划方案和优化推广策略。",
        "Monitor and analyse the effect of marketing activities, adjusting plans and refining promotion strategy in good time.",
    ),
    (
        "",
        "",
        "负责市场活动的策划、设计和执行,包括线上和线下活动。",
        "Plan, design and run marketing activities, online and offline.",
    ),
    (
        "",
        "",
        "与其他部门协作,提供市场策划支持和协助。",
        "Work with other departments, giving them marketing-planning support and help.",
    ),
]
SA_MGR_DUTIES = [
    (
        "制定销售策略和计划",
        "Set sales strategy and plans",
        "根据市场情况和公司目标,制定销售部的销售策略和计划,并组织实施。",
        "Set the Sales Department's sales strategy and plans from market conditions and company goals, and organise their execution.",
    ),
    (
        "管理销售团队",
        "Manage the sales team",
        "负责销售团队的组建、培训、激励和考核,提高团队整体销售能力。",
        "Build, train, motivate and appraise the sales team, raising its overall selling ability.",
    ),
    (
        "拓展销售渠道",
        "Expand sales channels",
        "负责拓展销售渠道,建立和维护客户关系,促进销售业绩的提升。",
        "Expand sales channels, build and maintain customer relationships, and drive sales performance up.",
    ),
    (
        "监控销售业务",
        "Monitor the sales business",
        "监控销售业务的过程和结果,及时调整销售策略和措施,确保销售目标的达成。",
        "Monitor the process and results of the sales business, adjusting strategy and measures in good time so sales "
        "targets are met.",
    ),
]
REGIONAL_DUTIES = [
    (
        "负责区域销售业务",
        "Own regional sales",
        "根据公司销售策略和计划,负责所辖区域的销售业务,完成销售指标。",
        "Run sales in the assigned region according to the company's sales strategy and plans, and meet the sales targets.",
    ),
    (
        "拓展区域市场",
        "Expand the regional market",
        "积极开拓区域市场,寻找潜在客户,扩大市场份额。",
        "Actively open up the regional market, find potential customers and grow market share.",
    ),
    (
        "维护客户关系",
        "Maintain customer relationships",
        "与客户保持良好关系,及时了解客户需求,提供优质服务。",
        "Keep good relationships with customers, learn their needs promptly and provide high-quality service.",
    ),
    (
        "反馈市场信息",
        "Report market information",
        "收集并反馈市场信息,为公司制定销售策略提供参考。",
        "Collect and report market information as input for the company's sales strategy.",
    ),
]
CHANNEL_DUTIES = [
    (
        "管理销售渠道",
        "Manage sales channels",
        "负责公司销售渠道的建设和管理,包括线上和线下渠道。",
        "Build and manage the company's sales channels, online and offline.",
    ),
    (
        "拓展新渠道",
        "Open new channels",
        "积极开拓新的销售渠道,提高公司产品和服务的覆盖面。",
        "Actively open new sales channels, widening the reach of the company's products and services.",
    ),
    (
        "维护渠道关系",
        "Maintain channel relationships",
        "与渠道合作伙伴保持良好关系,促进长期合作。",
        "Keep good relationships with channel partners and foster long-term cooperation.",
    ),
    (
        "监控渠道业绩",
        "Monitor channel performance",
        "监控各销售渠道的业绩,及时调整渠道策略,提高销售业绩。",
        "Monitor the performance of each sales channel and adjust channel strategy in good time to improve sales.",
    ),
]
CUSTOMER_RELATIONSHIP_DUTIES = [
    (
        "管理客户关系",
        "Manage customer relationships",
        "负责公司客户关系的管理和维护,提高客户满意度。",
        "Manage and maintain the company's customer relationships and raise customer satisfaction.",
    ),
    (
        "处理客户问题",
        "Handle customer issues",
        "及时、准确地处理客户的问题和投诉,提供优质服务。",
        "Handle customers' problems and complaints promptly and accurately, providing high-quality service.",
    ),
    (
        "收集客户反馈",
        "Collect customer feedback",
        "收集客户的反馈和建议,为公司改进产品和服务提供参考。",
        "Collect customers' feedback and suggestions as input for improving the company's products and services.",
    ),
    (
        "促进客户忠诚",
        "Build customer loyalty",
        "通过优质的服务和关怀,促进客户对公司的忠诚度和口碑传播。",
        "Through excellent service and care, build customers' loyalty to the company and word-of-mouth.",
    ),
]
PROMOTION_DUTIES = [
    (
        "设计并执行促销计划",
        "Design and run promotion plans",
        "根据市场情况和公司策略,制定具体的促销方案,并推动实施。",
        "Draw up concrete promotion schemes from market conditions and company strategy, and drive their implementation.",
    ),
    (
        "促销资源管理",
        "Manage promotion resources",
        "合理分配促销资源,如赠品、折扣等,确保资源使用效果最大化。",
        "Allocate promotion resources such as gifts and discounts sensibly, getting the most out of them.",
    ),
    (
        "促销效果评估",
        "Evaluate promotion effect",
        "收集并分析促销数据,评估促销活动效果,提出改进建议。",
        "Collect and analyse promotion data, evaluate the effect of promotions and propose improvements.",
    ),
]
EVENT_DUTIES = [
    (
        "活动策划与执行",
        "Plan and run events",
        "参与活动策划,制定详细的活动执行计划,并确保活动顺利进行。",
        "Take part in event planning, draw up detailed execution plans and make sure events run smoothly.",
    ),
    (
        "活动现场管理",
        "Manage event sites",
        "负责活动现场的布置、人员协调、流程控制等,确保活动效果达到预期。",
        "Handle on-site set-up, staff coordination and running order so events achieve the expected effect.",
    ),
    (
        "活动效果总结",
        "Review event results",
        "对活动执行效果进行总结和评估,提出改进建议。",
        "Summarise and evaluate how events went and propose improvements.",
    ),
]
TERMINAL_DUTIES = [
    (
        "终端形象管理",
        "Manage store image",
        "负责终端门店的形象设计和维护,提升品牌形象。",
        "Design and maintain the image of retail stores, enhancing the brand image.",
    ),
    (
        "终端销售管理",
        "Support store sales",
        "协助终端门店进行销售管理,提高销售业绩。",
        "Help retail stores manage their sales and improve sales performance.",
    ),
    (
        "终端关系维护",
        "Maintain store relationships",
        "与终端门店建立良好的合作关系,确保公司政策在终端得到有效执行。",
        "Build good working relationships with retail stores so company policies are carried out effectively there.",
    ),
]

# (code, unit code, reports-to code, title, English title, headcount, key, purpose, English purpose, duties)
POSITIONS = [
    (
        "MKT-DIR",
        "MKT",
        None,
        "营销总监",
        "Marketing Director",
        1,
        True,
        "负责制定营销策略,协调各部门工作,对营销结果承担最终责任。",
        "Sets marketing strategy, coordinates the departments and bears final responsibility for marketing results.",
        [],
    ),
    (
        "MR-MGR",
        "MKT-MR",
        "MKT-DIR",
        "市场部经理",
        "Market Department Manager",
        1,
        True,
        "负责市场调研、竞品分析、品牌推广等具体工作,协助营销总监制定市场策略。",
        "Runs market research, competitor analysis and brand promotion, and helps the Marketing Director set market "
        "strategy.",
        MR_MGR_DUTIES,
    ),
    ("MR-DEP", "MKT-MR", "MR-MGR", "市场部副经理", "Market Department Deputy Manager", 1, False, "", "", MR_MGR_DUTIES),
    ("MR-PM", "MKT-MR", "MR-MGR", "产品经理", "Product Manager", 1, False, "", "", PRODUCT_DUTIES),
    ("MR-PS", "MKT-MR", "MR-PM", "产品专员", "Product Specialist", 3, False, "", "", PRODUCT_DUTIES),
    ("MR-BM", "MKT-MR", "MR-MGR", "品牌经理", "Brand Manager", 1, False, "", "", BRAND_DUTIES),
    ("MR-BS", "MKT-MR", "MR-BM", "品牌专员", "Brand Specialist", 3, False, "", "", BRAND_DUTIES),
    ("MR-PLM", "MKT-MR", "MR-MGR", "市场策划经理", "Marketing Planning Manager", 1, False, "", "", PLANNING_DUTIES),
    ("MR-PLS", "MKT-MR", "MR-PLM", "策划专员", "Planning Specialist", 3, False, "", "", PLANNING_DUTIES),
    (
        "SA-MGR",
        "MKT-SA",
        "MKT-DIR",
        "销售部经理",
        "Sales Department Manager",
        1,
        True,
        "负责销售渠道开发、客户关系维护等具体工作,带领团队实现销售目标。",
        "Develops sales channels and maintains customer relationships, leading the team to meet sales targets.",
        SA_MGR_DUTIES,
    ),
    ("SA-DEP", "MKT-SA", "SA-MGR", "销售部副经理", "Sales Department Deputy Manager", 1, False, "", "", SA_MGR_DUTIES),
    ("SA-RSM", "MKT-SA", "SA-MGR", "区域销售经理", "Regional Sales Manager", 1, False, "", "", REGIONAL_DUTIES),
    ("SA-REP", "MKT-SA", "SA-RSM", "销售代表", "Sales Representative", 3, False, "", "", REGIONAL_DUTIES),
    ("SA-CHM", "MKT-SA", "SA-MGR", "渠道经理", "Channel Manager", 1, False, "", "", CHANNEL_DUTIES),
    ("SA-CHS", "MKT-SA", "SA-CHM", "渠道专员", "Channel Specialist", 3, False, "", "", CHANNEL_DUTIES),
    (
        "SA-CRM",
        "MKT-SA",
        "SA-MGR",
        "客户关系经理",
        "Customer Relationship Manager",
        1,
        False,
        "",
        "",
        CUSTOMER_RELATIONSHIP_DUTIES,
    ),
    (
        "SA-CSS",
        "MKT-SA",
        "SA-CRM",
        "客服专员",
        "Customer Service Specialist",
        3,
        False,
        "",
        "",
        CUSTOMER_RELATIONSHIP_DUTIES,
    ),
    ("PE-PRM", "MKT-PE", "MKT-DIR", "促销经理", "Promotion Manager", 1, False, "", "", PROMOTION_DUTIES),
    ("PE-PRS", "MKT-PE", "PE-PRM", "促销专员", "Promotion Specialist", 3, False, "", "", PROMOTION_DUTIES),
    ("PE-EVM", "MKT-PE", "MKT-DIR", "活动执行经理", "Event Execution Manager", 1, False, "", "", EVENT_DUTIES),
    ("PE-EVS", "MKT-PE", "PE-EVM", "执行专员", "Event Execution Specialist", 3, False, "", "", EVENT_DUTIES),
    ("PE-TMM", "MKT-PE", "MKT-DIR", "终端管理经理", "Retail Terminal Manager", 1, False, "", "", TERMINAL_DUTIES),
    ("PE-TMS", "MKT-PE", "PE-TMM", "终端专员", "Retail Terminal Specialist", 3, False, "", "", TERMINAL_DUTIES),
    (
        "SS-LGM",
        "MKT-SS",
        "MKT-DIR",
        "物流仓储经理",
        "Logistics & Warehousing Manager",
        1,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "负责制定物流仓储战略,优化物流流程,确保物流运作高效、准确、及时。",
                "Set the logistics and warehousing strategy and streamline logistics processes so operations are efficient, "
                "accurate and on time.",
            ),
            (
                "",
                "",
                "监控物流仓储成本,降低不必要的开支。",
                "Monitor logistics and warehousing costs and cut unnecessary spending.",
            ),
            (
                "",
                "",
                "领导物流团队,提供必要的培训和支持。",
                "Lead the logistics team, giving it the training and support it needs.",
            ),
        ],
    ),
    (
        "SS-LGS",
        "MKT-SS",
        "SS-LGM",
        "物流专员",
        "Logistics Specialist",
        3,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "协助物流仓储经理执行物流计划,处理日常物流事务。",
                "Help the Logistics & Warehousing Manager carry out logistics plans and handle day-to-day logistics.",
            ),
            (
                "",
                "",
                "负责货物的进出库管理,确保货物数量准确、安全无损。",
                "Manage goods in and out of the warehouse, keeping quantities accurate and goods safe and undamaged.",
            ),
            (
                "",
                "",
                "定期盘点库存,保持库存与系统数据一致。",
                "Take stock regularly, keeping inventory consistent with the system's records.",
            ),
        ],
    ),
    (
        "SS-ASM",
        "MKT-SS",
        "MKT-DIR",
        "售后服务经理",
        "After-sales Service Manager",
        1,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "负责制定售后服务政策和流程,确保客户满意度。",
                "Set after-sales service policies and processes, ensuring customer satisfaction.",
            ),
            (
                "",
                "",
                "监督售后服务团队的工作质量和效率,提供必要的培训和支持。",
                "Supervise the quality and efficiency of the after-sales team, giving it the training and support it needs.",
            ),
            (
                "",
                "",
                "处理重大客户投诉,维护公司形象。",
                "Handle major customer complaints and protect the company's image.",
            ),
        ],
    ),
    (
        "SS-ASS",
        "MKT-SS",
        "SS-ASM",
        "售后专员",
        "After-sales Specialist",
        3,
        False,
        "",
        "",
        [
            ("", "", "负责接听客户咨询电话,解答客户问题。", "Answer customers' enquiry calls and their questions."),
            (
                "",
                "",
                "处理客户投诉,提供满意的解决方案。",
                "Handle customer complaints and provide satisfactory solutions.",
            ),
            (
                "",
                "",
                "定期回访客户,了解客户需求和建议,及时反馈给相关部门。",
                "Call customers back regularly, learn their needs and suggestions, and pass them promptly to the departments "
                "concerned.",
            ),
        ],
    ),
    (
        "SS-TDM",
        "MKT-SS",
        "MKT-DIR",
        "培训与发展经理",
        "Training & Development Manager",
        1,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "负责制定员工培训计划,提高员工素质和能力。",
                "Draw up staff training plans to raise employees' quality and ability.",
            ),
            (
                "",
                "",
                "评估培训效果,不断优化培训内容和方式。",
                "Evaluate training effect and keep improving training content and methods.",
            ),
            (
                "",
                "",
                "协助员工制定个人发展规划,促进员工成长。",
                "Help employees make personal development plans and support their growth.",
            ),
        ],
    ),
    (
        "SS-TDS",
        "MKT-SS",
        "SS-TDM",
        "培训专员",
        "Training Specialist",
        3,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "协助培训与发展经理执行培训计划,组织培训活动。",
                "Help the Training & Development Manager carry out training plans and organise training sessions.",
            ),
            ("", "", "负责培训资料的整理和归档。", "Organise and file training materials."),
            (
                "",
                "",
                "跟踪员工培训进度,及时反馈培训效果。",
                "Track employees' training progress and report training effect promptly.",
            ),
        ],
    ),
    (
        "SS-ITM",
        "MKT-SS",
        "MKT-DIR",
        "信息技术支持经理",
        "IT Support Manager",
        1,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "负责制定信息技术支持战略和计划,确保公司信息系统的稳定运行。",
                "Set the IT support strategy and plans, keeping the company's information systems running stably.",
            ),
            (
                "",
                "",
                "领导信息技术支持团队,提供必要的培训和支持。",
                "Lead the IT support team, giving it the training and support it needs.",
            ),
            (
                "",
                "",
                "处理重大信息技术问题,保障公司业务连续性。",
                "Handle major IT problems and safeguard business continuity.",
            ),
        ],
    ),
    (
        "SS-ITS",
        "MKT-SS",
        "SS-ITM",
        "信息技术支持专员",
        "IT Support Specialist",
        3,
        False,
        "",
        "",
        [
            (
                "",
                "",
                "负责公司信息系统的日常维护和监控,确保系统安全、稳定、高效运行。",
                "Maintain and monitor the company's information systems day to day, keeping them secure, stable and efficient.",
            ),
            (
                "",
                "",
                "处理员工在使用信息系统过程中遇到的问题。",
                "Solve the problems employees meet when using the information systems.",
            ),
            ("", "", "定期备份系统数据,防止数据丢失。", "Back up system data regularly to prevent data loss."),
        ],
    ),
    (
        "CS-MGR",
        "MKT-CS",
        "MKT-DIR",
        "客服经理",
        "Customer Service Manager",
        1,
        True,
        "负责客户服务团队的日常管理,处理客户投诉,提升客户满意度。",
        "Manages the customer service team day to day, handles customer complaints and raises customer satisfaction.",
        [],
    ),
]

# Duties of 促销与活动执行部 as a unit: (area, English area, title, English title, text, English text)
UNIT_DUTIES = {
    "MKT-PE": [
        (
            "费用控制与效果评估",
            "Cost control & effect evaluation",
            "费用预算管理",
            "Cost budget management",
            "对促销活动费用进行预算和控制,确保费用使用合理。",
            "Budget and control the cost of promotions so money is spent sensibly.",
        ),
        (
            "费用控制与效果评估",
            "Cost control & effect evaluation",
            "效果评估与数据分析",
            "Effect evaluation & data analysis",
            "对促销活动的效果进行评估,收集并分析相关数据,为未来的促销活动提供参考。",
            "Evaluate the effect of promotions, collecting and analysing the data as a reference for future promotions.",
        ),
        (
            "费用控制与效果评估",
            "Cost control & effect evaluation",
            "费用与效果优化建议",
            "Cost and effect improvements",
            "根据费用使用情况和活动效果评估结果,提出优化建议,降低费用并提高活动效果。",
            "From how money was spent and how events performed, propose improvements that cut costs and raise effect.",
        ),
    ],
}

# Collaboration mechanisms of chapter 01, recorded against HQ: (kind, name, English name, description, English)
MECHANISMS = [
    (
        "meeting",
        "定期召开营销会议",
        "Regular marketing meetings",
        "各部门定期召开营销会议,汇报工作进展,共同解决问题。",
        "The departments hold regular marketing meetings to report progress and solve problems together.",
    ),
    (
        "platform",
        "建立信息共享平台",
        "Information-sharing platform",
        "通过企业内部系统或第三方工具,实现信息共享和实时沟通。",
        "Share information and communicate in real time through internal systems or third-party tools.",
    ),
    (
        "process",
        "跨部门协作流程",
        "Cross-department collaboration process",
        "明确跨部门协作流程和责任人,确保工作高效推进。",
        "Make cross-department processes and who is responsible clear, so work moves forward efficiently.",
    ),
    (
        "culture",
        "鼓励团队创新与合作",
        "Encourage innovation and teamwork",
        "通过团队建设和激励措施,鼓励员工创新与合作,提升团队凝聚力。",
        "Encourage innovation and cooperation through team building and incentives, strengthening team cohesion.",
    ),
]

# Plainly fictional demo people: the traditional placeholder names, numbered.
DEMO_SURNAMES = [("张", "Zhang"), ("李", "Li"), ("王", "Wang"), ("赵", "Zhao"), ("陈", "Chen"), ("刘", "Liu")]
DEMO_GIVEN = [("三", "San"), ("四", "Si"), ("五", "Wu"), ("六", "Liu")]
