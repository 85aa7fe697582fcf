"""Load the seed indicator library and KPI sets, and the demo cycles, through the appraisal services."""

import datetime
import hashlib
from decimal import Decimal

from appraisal.choices import AppraisalState, CycleState, IndicatorKind, KpiSetStatus
from appraisal.models import Appraisal, AppraisalCycle, Indicator, KpiSet
from appraisal.services import (
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    cycle_close,
    cycle_open,
    cycle_start_calibration,
    cycle_write,
    indicator_write,
    kpi_set_activate,
    kpi_set_write,
)
from orgdesign.seed import appraisal as seed
from positions.models import Position


def load_library():
    """Indicators and one active KPI set per family of seed positions; changes only what differs."""
    indicators = {}
    for code, dimension, name, name_en, unit, direction, source, measurement in seed.QUANTITATIVE:
        fields = {"code": code, "dimension": dimension, "kind": IndicatorKind.QUANTITATIVE, "name": name,
                  "name_en": name_en, "unit": unit, "direction": direction, "data_source": source,
                  "measurement": measurement}  # fmt: skip
        indicators[code] = _sync_indicator(fields, None)
    levels = [
        {"level": lv, "points": Decimal(p), "description": d, "description_en": de} for lv, p, d, de in seed.LEVELS
    ]
    for code, dimension, name, name_en, description in seed.RATED:
        fields = {"code": code, "dimension": dimension, "kind": IndicatorKind.RATED, "name": name, "name_en": name_en,
                  "description": description, "direction": ""}  # fmt: skip
        indicators[code] = _sync_indicator(fields, levels)

    positions = {p.code: p for p in Position.objects.all()}
    for code, name, name_en, results, position_codes in seed.SETS:
        items = [
            {"indicator": indicators[ind], "weight": Decimal(w), "target": _target(ind), "order": n}
            for n, (ind, w) in enumerate([*results, *seed.COMMON_ITEMS], 1)
        ]
        fields = {"code": code, "name": name, "name_en": name_en,
                  **{k: Decimal(v) for k, v in seed.DIMENSION_WEIGHTS.items()}}  # fmt: skip
        wanted_positions = [positions[c] for c in position_codes]
        kpi_set = KpiSet.objects.filter(code=code).first()
        if kpi_set is None or _set_differs(kpi_set, fields, items, wanted_positions):
            kpi_set = kpi_set_write(kpi_set=kpi_set, fields=fields, items=items, positions=wanted_positions)
        if kpi_set.status != KpiSetStatus.ACTIVE:
            kpi_set_activate(kpi_set=kpi_set)


def _target(code):
    return Decimal(seed.TARGETS[code]) if code in seed.TARGETS else None


def _sync_indicator(fields, levels):
    indicator = Indicator.objects.filter(code=fields["code"]).first()
    if indicator is None:
        return indicator_write(fields=fields, levels=levels)
    differs = any(getattr(indicator, name) != value for name, value in fields.items())
    current_levels = [
        {"level": lv.level, "points": lv.points, "description": lv.description, "description_en": lv.description_en}
        for lv in indicator.levels.order_by("level")
    ]
    if differs or (levels is not None and current_levels != levels):
        return indicator_write(indicator=indicator, fields=fields, levels=levels)
    return indicator


def _set_differs(kpi_set, fields, items, positions):
    if any(getattr(kpi_set, name) != value for name, value in fields.items()):
        return True
    current = [(i.indicator_id, i.weight, i.target, i.order) for i in kpi_set.items.order_by("order")]
    wanted = [(i["indicator"].pk, i["weight"], i["target"], i["order"]) for i in items]
    return current != wanted or {p.pk for p in kpi_set.positions.all()} != {p.pk for p in positions}


def _draw(*parts):
    """A number in [0, 1) fixed by its parts: demo data is the same on every run."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def load_demo_cycles():
    """2026-Q2 run to the end (closed, most results acknowledged) and 2026-Q3 open with work under way."""
    for name, start, end, self_deadline, review_deadline, final_state in seed.DEMO_CYCLES:
        if AppraisalCycle.objects.filter(name=name).exists():
            continue
        cycle = cycle_write(fields={
            "name": name, "period_start": _date(start), "period_end": _date(end),
            "self_deadline": _date(self_deadline), "review_deadline": _date(review_deadline), "scope": None,
        })  # fmt: skip
        cycle_open(cycle=cycle)
        appraisals = list(
            Appraisal.objects.filter(cycle=cycle).select_related("employee").order_by("employee__employee_no")
        )
        for index, appraisal in enumerate(appraisals):
            progress = 3 if final_state == CycleState.CLOSED else index % 4  # 0 none, 1 self, 2+ reviewed
            _play(appraisal, name, progress)
        if final_state == CycleState.CLOSED:
            cycle_start_calibration(cycle=cycle)
            top = Appraisal.objects.filter(cycle=cycle).order_by("-final_score", "employee__employee_no").first()
            appraisal_calibrate(
                appraisal=top,
                band="A",
                reason="得分主要来自单一指标超额,结合跨部门评价,经校准会议讨论定为A。",
                note="本季度销售额超额明显,其他指标与团队持平;校准会议按部门等级比例定为A。",
            )
            cycle_close(cycle=cycle)
            for index, appraisal in enumerate(Appraisal.objects.filter(cycle=cycle, state=AppraisalState.CALIBRATED)):
                if index % 5:
                    objection = "大客户回款延期是客户原因,不应计入本人。" if index == 3 else ""
                    appraisal_acknowledge(appraisal=appraisal, objection=objection)


def _date(text):
    return datetime.date.fromisoformat(text)


def _play(appraisal, cycle_name, progress):
    """Take one demo appraisal `progress` steps: 1 self-assessed, 2 scored, 3 reviewed with feedback."""
    if progress == 0:
        return
    key = (cycle_name, appraisal.employee.employee_no)
    lines = []
    for line in appraisal.lines.all():
        if line.kind == IndicatorKind.QUANTITATIVE:
            factor = Decimal("0.62") + Decimal(str(round(_draw(*key, line.name) * 0.52, 2)))
            if line.direction == "lower":
                factor = Decimal("1.9") - factor
            lines.append({"id": line.pk, "actual": (line.target * factor).quantize(Decimal("0.01"))})
        else:
            lines.append({"id": line.pk, "self_score": 3 + int(_draw(*key, line.name, "self") * 3)})
    appraisal = appraisal_update(
        appraisal=appraisal, role="employee", lines=lines, fields={"self_comment": "按计划完成本季度主要工作。"}
    )
    appraisal = appraisal_submit_self(appraisal=appraisal)
    if progress < 2:
        return
    scale = [2, 3, 3, 4, 4, 5]
    scores = [{"id": line.pk, "manager_score": scale[int(_draw(*key, line.name, "mgr") * len(scale))]}
              for line in appraisal.lines.all() if line.kind == IndicatorKind.RATED]  # fmt: skip
    feedback = {"feedback_date": datetime.date.fromisoformat(f"{cycle_name[:4]}-{'07' if cycle_name.endswith('Q2') else '10'}-15"),
                "feedback_notes": "肯定了本季度的成绩,约定下季度重点提升跨部门协作。"}  # fmt: skip
    appraisal = appraisal_update(appraisal=appraisal, role="manager", lines=scores, fields=feedback)
    if progress >= 3:
        appraisal_submit_review(appraisal=appraisal)
