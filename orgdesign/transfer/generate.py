"""A deterministic, realistic synthetic organisation, as the rows of an organisation workbook.

Units 4–6 levels deep, spans of control 2–15, several duties, authorities and standards per
position in Chinese with English beside them, an indicator library and KPI sets, and people in
most seats. Loading it goes through the import, so every rule holds for it too.
"""

import math
import random
from collections import Counter
from decimal import Decimal

SPAN_LIMIT = 15

FUNCTIONS = [
    ("市场", "Marketing"), ("销售", "Sales"), ("渠道", "Channel"), ("客服", "Customer service"),
    ("物流", "Logistics"), ("财务", "Finance"), ("人力", "People"), ("研发", "R&D"), ("质量", "Quality"),
    ("采购", "Purchasing"), ("信息", "IT"), ("品牌", "Brand"), ("培训", "Training"), ("法务", "Legal"),
]  # fmt: skip
VERBS = [("负责", "Be responsible for"), ("组织", "Organise"), ("制定", "Set"), ("监督", "Supervise"),
         ("分析", "Analyse"), ("协调", "Coordinate"), ("推进", "Drive"), ("优化", "Improve")]  # fmt: skip
OBJECTS = [("年度计划", "the annual plan"), ("预算执行", "budget execution"), ("客户投诉处理", "handling customer complaints"),
           ("流程建设", "process building"), ("数据报表", "data reports"), ("团队培训", "team training"),
           ("供应商管理", "supplier management"), ("项目进度", "project progress"), ("风险控制", "risk control"),
           ("市场调研", "market research"), ("合同审核", "contract review"), ("绩效考核", "performance appraisal")]  # fmt: skip
PURPOSES = [("确保按期完成", "so that it is done on time"), ("提升客户满意度", "raising customer satisfaction"),
            ("控制成本", "keeping costs down"), ("降低经营风险", "lowering operating risk"),
            ("提高工作效率", "making the work more efficient"), ("支持公司战略目标", "in support of the strategic goals"),
            ("保证数据准确", "keeping the data accurate"), ("符合公司制度", "in line with company policy"),
            ("及时向上级汇报", "reporting promptly to the superior"), ("推动持续改进", "driving continuous improvement")]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def generate(*, positions, employees, seed=1):
    """{sheet: [row dicts]} for an organisation of about `positions` positions and `employees` people."""
    rng = random.Random(seed)
    rows = {name: [] for name in ("units", "positions", "duties", "authorities", "standards", "employees",
                                  "indicators", "indicator_levels", "kpi_sets", "kpi_items", "kpi_set_positions")}  # fmt: skip

    # Units: a tree 4–6 levels deep, about one unit per 12 positions, 2–8 sub-units per parent.
    unit_target = max(3, positions // 12)
    levels = rng.randint(4, 6) if unit_target >= 15 else 3
    while levels < 6 and sum(8**k for k in range(levels)) < unit_target:  # deep enough to hold them all
        levels += 1
    fanout = max(2, min(8, math.ceil(unit_target ** (1 / (levels - 1)))))
    units = [{"code": "U0", "name": "集团总部", "name_en": "Group headquarters", "kind": "headquarters", "parent": None,
              "level": 0}]  # fmt: skip
    frontier = [units[0]]
    while len(units) < unit_target and frontier:
        parent = frontier.pop(0)
        for _ in range(rng.randint(max(2, fanout - 1), min(8, fanout + 1))):
            if len(units) >= unit_target:
                break
            function = FUNCTIONS[len(units) % len(FUNCTIONS)]
            unit = {"code": f"U{len(units)}", "name": f"{function[0]}{len(units)}部",
                    "name_en": f"{function[1]} {len(units)}", "kind": "department" if parent["level"] < 2 else "team",
                    "parent": parent["code"], "level": parent["level"] + 1, "field": function}  # fmt: skip
            units.append(unit)
            if unit["level"] < levels - 1:
                frontier.append(unit)
    children = Counter(unit["parent"] for unit in units)

    # Positions: a head per unit reporting to the parent unit's head. The rest report to the head
    # when its span allows (at most 15 with the sub-units' heads), otherwise to team leads of
    # about eight people each, so every span of control is between 2 and 15.
    per_unit = max(1, positions // len(units))
    extra = positions - per_unit * len(units)
    head_of, count = {}, 0
    for index, unit in enumerate(units):
        n = per_unit + (1 if index < extra else 0)
        others = n - 1
        room = SPAN_LIMIT - children[unit["code"]]
        lead_count = 0 if others <= room else max(1, math.ceil(others / 9))
        for k in range(n):
            count += 1
            code = f"P{count:06d}"
            if k == 0:
                title, title_en, superior = (
                    f"{unit['name']}负责人",
                    f"Head of {unit['name_en']}",
                    head_of.get(unit["parent"]),
                )
                head_of[unit["code"]] = code
                head, leads, headcount = code, [], 1
            elif k <= lead_count:
                title, title_en, superior, headcount = f"{unit['name']}主管{k}", f"{unit['name_en']} lead {k}", head, 1
                leads.append(code)
            else:
                superior = leads[(k - lead_count - 1) % len(leads)] if leads else head
                title, title_en = f"{unit['name']}专员{k}", f"{unit['name_en']} specialist {k}"
                headcount = rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
            rows["positions"].append({
                "code": code, "title": title, "title_en": title_en, "unit": unit["code"], "reports_to": superior,
                "grade": rng.randint(3, 15), "headcount": headcount, "is_key": k == 0 and rng.random() < 0.3,
                "purpose": f"保障{unit['name']}的{OBJECTS[count % len(OBJECTS)][0]}。",
                "purpose_en": f"Keep {OBJECTS[count % len(OBJECTS)][1]} of {unit['name_en']} on track.", "order": k,
            })  # fmt: skip
            duties = rng.randint(4, 8)
            for d in range(1, duties + 1):
                # What a duty says depends on the unit's field, not on the unit: positions in different
                # units of the same field can hold the same duty, as they do in real organisations.
                verb, thing = VERBS[rng.randrange(len(VERBS))], OBJECTS[rng.randrange(len(OBJECTS))]
                purpose, field = PURPOSES[rng.randrange(len(PURPOSES))], unit.get("field", FUNCTIONS[0])
                rows["duties"].append({
                    "position": code, "order": d, "category": "core" if d <= 3 else rng.choice(("auxiliary", "temporary")),
                    "title": "", "title_en": "", "text": f"{verb[0]}{field[0]}{thing[0]},{purpose[0]}。",
                    "text_en": f"{verb[1]} {thing[1]} in {field[1]}, {purpose[1]}.",
                })  # fmt: skip
            for a in range(1, 3):
                rows["authorities"].append({"position": code, "order": a, "text": f"对{OBJECTS[(count + a) % 12][0]}有审批权。",
                                            "text_en": f"Approves {OBJECTS[(count + a) % 12][1]}."})  # fmt: skip
            for s in range(1, 3):
                rows["standards"].append({"position": code, "order": s, "measure": f"{OBJECTS[(count + s) % 12][0]}完成率",
                                          "measure_en": f"{OBJECTS[(count + s) % 12][1]} completion",
                                          "target": Decimal(rng.choice((80, 90, 95, 100))), "unit": "%", "duty": s})  # fmt: skip
    for unit in units:
        unit.pop("level")
        unit.pop("field", None)
        unit.update(head=head_of.get(unit["code"]), function="", function_en="", order=0)
    rows["units"] = units

    # Seats for the people: more holders per specialist position until about 94% of seats are filled.
    specialists = [p for p in rows["positions"] if "specialist" in p["title_en"]] or rows["positions"]
    seats = sum(p["headcount"] for p in rows["positions"])
    for _ in range(max(0, math.ceil(employees / 0.94) - seats)):
        rng.choice(specialists)["headcount"] += 1

    # People in most seats.
    seats = [p["code"] for p in rows["positions"] for _ in range(p["headcount"])]
    rng.shuffle(seats)
    for number in range(1, employees + 1):
        rows["employees"].append({
            "employee_no": f"E{number:07d}", "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "name_en": f"Person {number}", "email": "", "position": seats[number - 1] if number <= len(seats) else None,
            "start_date": None, "active": True,
        })  # fmt: skip

    # An indicator library and a KPI set per function, each position on one active set.
    for n, (dimension, kind) in enumerate([("results", "quantitative")] * 4 + [("ability", "rated")] * 2
                                          + [("attitude", "rated")] * 2):  # fmt: skip
        code = f"I{n + 1:02d}"
        rows["indicators"].append({"code": code, "name": f"指标{n + 1}", "name_en": f"Indicator {n + 1}",
                                   "dimension": dimension, "kind": kind, "unit": "%" if kind == "quantitative" else "",
                                   "direction": "higher" if kind == "quantitative" else "", "retired": False})  # fmt: skip
        if kind == "rated":
            for level, points in ((1, 40), (2, 60), (3, 80), (4, 100)):
                rows["indicator_levels"].append({"indicator": code, "level": level, "points": Decimal(points),
                                                 "description": f"等级{level}", "description_en": f"Level {level}"})  # fmt: skip
    families = min(len(FUNCTIONS), max(1, len(units)))
    for f in range(families):
        code = f"KS{f + 1:02d}"
        rows["kpi_sets"].append({"code": code, "name": f"{FUNCTIONS[f][0]}岗位考核", "name_en": f"{FUNCTIONS[f][1]} roles",
                                 "status": "active", "results_weight": Decimal(60), "ability_weight": Decimal(25),
                                 "attitude_weight": Decimal(15), "description": ""})  # fmt: skip
        items = [("I01", 40), ("I02", 30), ("I03", 30), ("I05", 60), ("I06", 40), ("I07", 50), ("I08", 50)]
        for order, (indicator, weight) in enumerate(items, start=1):
            rows["kpi_items"].append({"kpi_set": code, "order": order, "indicator": indicator, "weight": Decimal(weight),
                                      "target": Decimal(100) if indicator <= "I04" else None})  # fmt: skip
    for n, position in enumerate(rows["positions"]):
        rows["kpi_set_positions"].append({"kpi_set": f"KS{n % families + 1:02d}", "position": position["code"]})

    for sheet_rows in rows.values():
        for number, row in enumerate(sheet_rows, start=2):
            row["_row"] = number
    return rows
