import csv
import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from appraisal import exports, scoring
from appraisal.choices import AppraisalState, CycleState
from appraisal.models import Appraisal, AppraisalCycle, AppraisalLine, AppraisalPolicy, CycleEvent
from appraisal.selectors import cycle_distribution, cycle_results, promotion_candidates
from appraisal.services import (
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    appraisals_return,
    cycle_close,
    cycle_compute_results,
    cycle_open,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
    kpi_set_write,
)
from appraisal.services.results import RESULT_FIELDS, bands, line_score, results_of
from orgdesign.exceptions import Conflict
from tests.appraisal.conftest import make_cycle

pytestmark = pytest.mark.django_db


def test_opening_creates_one_appraisal_per_person_with_a_set_and_reports_the_rest(team):
    cycle = make_cycle()
    report = cycle_open(cycle=cycle)
    people = team["people"]
    appraised = set(Appraisal.objects.filter(cycle=cycle).values_list("employee__name", flat=True))
    assert appraised == {"总监甲", "经理乙", "代表丙", "代表丁"}
    assert report["created"] == 4
    reasons = {entry["name"]: entry["reason"] for entry in report["left_out"]}
    assert reasons == {"品牌戊": "the position has no active KPI set", "待岗己": "holds no position"}
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN and cycle.left_out == report["left_out"]
    rep = Appraisal.objects.get(cycle=cycle, employee=people["rep1"])
    assert rep.reviewer == people["manager"]
    assert Appraisal.objects.get(cycle=cycle, employee=people["director"]).reviewer is None
    assert rep.lines.count() == 4
    assert CycleEvent.objects.filter(cycle=cycle, action="open").count() == 1


def test_an_inactive_person_or_one_outside_the_scope_is_not_appraised(team):
    from positions.services import employee_update

    employee_update(employee=team["people"]["rep2"], active=False)
    cycle = make_cycle(scope=team["units"]["sales"])
    cycle_open(cycle=cycle)
    assert set(Appraisal.objects.filter(cycle=cycle).values_list("employee__name", flat=True)) == {"经理乙", "代表丙"}


def test_the_set_is_frozen_into_the_appraisal(team, library):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    kpi_set_write(kpi_set=team["set"], fields={"results_weight": D(50), "ability_weight": D(35)})
    team["set"].items.filter(indicator=library["sales"]).update(target=D(200))
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    assert (appraisal.results_weight, appraisal.ability_weight) == (D(60), D(25))
    assert appraisal.lines.get(indicator=library["sales"]).target == D(100)


def test_opening_twice_creates_nothing_new(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    with pytest.raises(Conflict):
        cycle_open(cycle=cycle)
    assert Appraisal.objects.filter(cycle=cycle).count() == 4


def test_a_cycle_cannot_open_with_a_set_that_no_longer_adds_up(team):
    from appraisal.models import KpiSet

    KpiSet.objects.filter(pk=team["set"].pk).update(results_weight=D(50))
    cycle = make_cycle()
    with pytest.raises(ValidationError) as error:
        cycle_open(cycle=cycle)
    assert "add up to 90, not 100" in error.value.message_dict["kpi_set"][0]
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.DRAFT
    assert not Appraisal.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    ("steps", "refused"),
    [([], cycle_start_calibration), ([], cycle_close), (["open"], cycle_close), (["open", "calibrate"], cycle_open)],
)
def test_states_move_only_in_order(team, steps, refused):
    cycle = make_cycle()
    for step in steps:
        if step == "open":
            cycle_open(cycle=cycle)
        else:
            cycle_start_calibration(cycle=cycle, force=True, reason="按期进入校准")
    state = AppraisalCycle.objects.get(pk=cycle.pk).state
    with pytest.raises(Conflict):
        refused(cycle=cycle)
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == state


def test_dates_out_of_order_are_refused(db):
    with pytest.raises(ValidationError) as error:
        cycle_write(fields={"name": "X", "period_start": datetime.date(2026, 7, 1),
                            "period_end": datetime.date(2026, 6, 1), "self_deadline": datetime.date(2026, 7, 10),
                            "review_deadline": datetime.date(2026, 7, 5)})  # fmt: skip
    assert {"period_end", "review_deadline"} <= set(error.value.message_dict)


def _run(appraisal, *, actual_sales="108", actual_budget="92", levels=(4, 5), feedback=True):
    lines = {line.indicator.code: line for line in appraisal.lines.select_related("indicator")}
    appraisal = appraisal_update(appraisal=appraisal, role="employee", lines=[
        {"id": lines["SALES"].pk, "actual": D(actual_sales)}, {"id": lines["BUDGET"].pk, "actual": D(actual_budget)},
        {"id": lines["SKILL"].pk, "self_score": 5}, {"id": lines["DUTY"].pk, "self_score": 5},
    ])  # fmt: skip
    appraisal = appraisal_submit_self(appraisal=appraisal)
    fields = {"feedback_date": datetime.date(2026, 10, 15), "feedback_notes": "面谈记录"} if feedback else {}
    appraisal = appraisal_update(appraisal=appraisal, role="manager", fields=fields, lines=[
        {"id": lines["SKILL"].pk, "manager_score": levels[0]}, {"id": lines["DUTY"].pk, "manager_score": levels[1]},
    ])  # fmt: skip
    return appraisal_submit_review(appraisal=appraisal)


def test_a_whole_appraisal_scores_as_documented(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = _run(Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"]))
    # results = (70 × 108 + 30 × 108.70) / 100 = 108.21; ability 90; attitude 100
    assert (appraisal.results_score, appraisal.ability_score, appraisal.attitude_score) == (
        D("108.21"), D("90.00"), D("100.00"),
    )  # fmt: skip
    assert appraisal.final_score == D("100.0") and appraisal.computed_band == "S"
    assert AppraisalLine.objects.get(appraisal=appraisal, indicator__code="BUDGET").score == D("108.70")


def test_a_score_off_the_scale_is_refused_naming_the_line(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    skill = appraisal.lines.get(indicator__code="SKILL")
    with pytest.raises(ValidationError) as error:
        appraisal_update(appraisal=appraisal, role="employee", lines=[{"id": skill.pk, "self_score": 9}])
    assert error.value.message_dict == {"lines[0].self_score": ["专业能力: 9 is not on its scale (1–5)."]}
    sales = appraisal.lines.get(indicator__code="SALES")
    with pytest.raises(ValidationError) as error:
        appraisal_update(appraisal=appraisal, role="employee", lines=[{"id": sales.pk, "self_score": 3}])
    assert "measured by its actual value" in error.value.message_dict["lines[0].self_score"][0]


def test_each_role_changes_only_its_own_fields_and_in_its_own_state(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    skill = appraisal.lines.get(indicator__code="SKILL")
    with pytest.raises(ValidationError) as error:
        appraisal_update(appraisal=appraisal, role="employee", lines=[{"id": skill.pk, "manager_score": 5}])
    assert "lines[0].manager_score" in error.value.message_dict
    with pytest.raises(Conflict):
        appraisal_update(appraisal=appraisal, role="manager", lines=[{"id": skill.pk, "manager_score": 5}])


def test_submitting_needs_every_line(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    with pytest.raises(ValidationError) as error:
        appraisal_submit_self(appraisal=appraisal)
    assert "销售目标达成率" in error.value.message_dict["lines[0].actual"][0]
    assert error.value.message_dict["lines"] == ["4 lines are not filled in yet."]
    assert Appraisal.objects.get(pk=appraisal.pk).state == AppraisalState.SELF_ASSESSMENT


def test_the_manager_must_record_the_feedback_conversation(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    with pytest.raises(ValidationError) as error:
        _run(Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"]), feedback=False)
    assert "feedback_date" in error.value.message_dict


def _closed_cycle(team, name="2026-Q3", start="2026-07-01", scores=None):
    cycle = make_cycle(name=name, start=start)
    cycle_open(cycle=cycle)
    scores = scores or {}
    for appraisal in Appraisal.objects.filter(cycle=cycle).select_related("employee"):
        _run(appraisal, **scores.get(appraisal.employee.name, {}))
    cycle_start_calibration(cycle=cycle)
    return cycle


def test_calibration_moves_a_band_with_a_reason_kept_beside_the_computed_one(team, hr_user):
    cycle = _closed_cycle(team)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    with pytest.raises(ValidationError):
        appraisal_calibrate(appraisal=appraisal, band="A", reason=" ")
    appraisal_calibrate(appraisal=appraisal, band="A", reason="S比例超出指导线", user=hr_user)
    appraisal.refresh_from_db()
    assert (appraisal.computed_band, appraisal.band, appraisal.band_reason) == ("S", "A", "S比例超出指导线")
    assert appraisal.band_adjusted_by == hr_user


def test_calibration_needs_the_calibration_state(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = _run(Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"]))
    with pytest.raises(Conflict):
        appraisal_calibrate(appraisal=appraisal, band="A", reason="过早")


def test_the_distribution_per_unit_flags_units_over_the_guideline(team):
    cycle = _closed_cycle(team, scores={"总监甲": {"actual_sales": "60", "levels": (2, 2)}})
    distribution = cycle_distribution(cycle)
    sales = next(unit for unit in distribution["units"] if unit["name"] == "销售部")
    assert sales["total"] == 3 and sales["counts"]["S"] == 3
    assert sales["s_share"] == D("100.0") and sales["over_s"] and sales["over_sa"]
    top = next(unit for unit in distribution["units"] if unit["name"] == "营销总部")
    assert top["counts"]["S"] == 0 and not top["over_s"]
    assert distribution["total"]["total"] == 4
    assert [p["name"] for p in sales["people"]["S"]] == ["经理乙", "代表丙", "代表丁"]


def test_closing_freezes_bands_and_outcomes_and_refuses_every_change(team):
    cycle = _closed_cycle(team)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    appraisal_calibrate(appraisal=appraisal, band="A", reason="校准")
    cycle_close(cycle=cycle)
    appraisal.refresh_from_db()
    assert (appraisal.state, appraisal.band, appraisal.bonus_coefficient, appraisal.merit_increase) == (
        AppraisalState.CALIBRATED, "A", D("1.50"), D("6.00"),
    )  # fmt: skip
    line = appraisal.lines.first()
    with pytest.raises(Conflict) as error:
        appraisal_update(appraisal=appraisal, role="hr", lines=[{"id": line.pk, "comment": "改"}])
    assert "2026-Q3 is closed" in str(error.value)
    with pytest.raises(Conflict):
        appraisal_calibrate(appraisal=appraisal, band="S", reason="改")
    with pytest.raises(Conflict):
        cycle_write(cycle=cycle, fields={"name": "改名"})
    acknowledged = appraisal_acknowledge(appraisal=appraisal, objection="我认为应为S。")
    assert acknowledged.state == AppraisalState.ACKNOWLEDGED and acknowledged.objection == "我认为应为S。"


def test_reopening_needs_a_reason_that_is_kept(team, hr_user):
    cycle = _closed_cycle(team)
    cycle_close(cycle=cycle)
    with pytest.raises(ValidationError):
        cycle_reopen(cycle=cycle, reason="")
    cycle_reopen(cycle=cycle, reason="补录漏评人员", user=hr_user)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CALIBRATION
    event = cycle.events.get(action="reopen")
    assert (event.reason, event.user) == ("补录漏评人员", hr_user)


def test_promotion_candidates_need_a_or_better_in_the_last_two_closed_cycles(team):
    low = {"代表丁": {"actual_sales": "60", "actual_budget": "150", "levels": (2, 2)}}
    first = _closed_cycle(team, name="2026-Q2", start="2026-04-01", scores=low)
    cycle_close(cycle=first)
    assert promotion_candidates(first) == set(), "one closed cycle is not enough"
    second = _closed_cycle(team, name="2026-Q3", start="2026-07-01")
    names = {e.name for e in type(team["people"]["rep1"]).objects.filter(pk__in=promotion_candidates(second))}
    assert names == {"总监甲", "经理乙", "代表丙"}


def test_results_export_as_csv_and_xlsx_with_the_same_columns(team):
    cycle = _closed_cycle(team)
    before = list(csv.DictReader(io.StringIO(exports.results_csv(cycle).decode("utf-8-sig"))))
    assert {row["暂定 Provisional"] for row in before} == {"是 yes"}, "before closing, every figure is provisional"
    cycle = cycle_close(cycle=cycle)
    rows = cycle_results(cycle)
    assert len(rows) == 4
    table = list(csv.reader(io.StringIO(exports.results_csv(cycle).decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(exports.results_xlsx(cycle))).active
    xlsx = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == xlsx[0]
    assert "奖金系数 Bonus coefficient" in table[0] and "晋升候选 Promotion candidate" in table[0]
    rep = next(row for row in xlsx if row[1] == "代表丙")
    header = xlsx[0]
    assert rep[header.index("最终等级 Band")] == "S"
    assert rep[header.index("奖金系数 Bonus coefficient")] == 2
    assert rep[header.index("状态 State")] == "result given", "a label, not the state's code"
    assert rep[header.index("暂定 Provisional")] == "否 no", "closed: final"
    assert len(table) == len(xlsx) == 5
    assert table[[row[1] for row in table].index("代表丙")][header.index("奖金系数 Bonus coefficient")] == "2.00"


def test_results_and_the_distribution_count_only_submitted_reviews(team):
    from appraisal.selectors import filter_results

    cycle = make_cycle()
    cycle_open(cycle=cycle)
    people = team["people"]
    _run(Appraisal.objects.get(cycle=cycle, employee=people["rep1"]))
    draft = Appraisal.objects.get(cycle=cycle, employee=people["rep2"])
    lines = {line.indicator.code: line for line in draft.lines.select_related("indicator")}
    draft = appraisal_update(appraisal=draft, role="employee", lines=[
        {"id": lines["SALES"].pk, "actual": D("100")}, {"id": lines["BUDGET"].pk, "actual": D("100")},
        {"id": lines["SKILL"].pk, "self_score": 4}, {"id": lines["DUTY"].pk, "self_score": 4},
    ])  # fmt: skip
    draft = appraisal_submit_self(appraisal=draft)
    appraisal_update(appraisal=draft, role="manager", lines=[{"id": lines["SKILL"].pk, "manager_score": 5},
                                                             {"id": lines["DUTY"].pk, "manager_score": 5}])  # fmt: skip
    assert Appraisal.objects.get(pk=draft.pk).final_score is not None, "the manager's draft is scored"

    rows = {row["name"]: row for row in cycle_results(cycle)}
    draft_row = rows["代表丁"]
    assert (draft_row["final_score"], draft_row["band"], draft_row["bonus_coefficient"]) == (None, "", None)
    assert (rows["代表丁"]["stage"], rows["代表丁"]["state_label"]) == ("manager_review", "manager review")
    assert rows["代表丙"]["band"] == "S" and rows["代表丙"]["stage"] == "reviewed" and rows["代表丙"]["provisional"]
    distribution = cycle_distribution(cycle)
    assert (distribution["charted"], distribution["appraisals"]) == (1, 4)
    assert distribution["not_charted"] == {"self_assessment": 2, "manager_review": 1, "not_completed": 0}

    cycle_start_calibration(cycle=cycle, force=True, reason="按期")
    cycle_close(cycle=cycle, force=True, reason="按期")
    cycle.refresh_from_db()
    rows = cycle_results(cycle)
    assert [row["name"] for row in filter_results(rows, state="not_completed", sort="name")] == sorted(
        ["代表丁", "经理乙", "总监甲"]
    )  # fmt: skip
    assert [row["name"] for row in filter_results(rows, sort="-final_score")][0] == "代表丙"
    assert cycle_distribution(cycle)["not_charted"]["not_completed"] == 3
    assert not any(row["provisional"] for row in rows)


def test_opening_and_closing_are_set_based(team):
    from django.test.utils import CaptureQueriesContext

    from positions.services import position_update
    from tests.factories import make_employee

    def queries(service, cycle):
        with CaptureQueriesContext(connection) as captured:
            service(cycle=cycle)
        return len(captured)

    small = make_cycle(name="S")
    small_open = queries(cycle_open, small)
    cycle_start_calibration(cycle=small, force=True, reason="测试")
    small_close = queries(lambda cycle: cycle_close(cycle=cycle, force=True, reason="测试"), small)
    position_update(position=team["positions"]["rep"], headcount=40)
    for _ in range(30):
        make_employee(position=team["positions"]["rep"])
    large = make_cycle(name="L", start="2026-10-01")
    # Bulk inserts are split only by the database's limit on parameters (small on SQLite), never per row.
    large_open = queries(cycle_open, large)
    assert Appraisal.objects.filter(cycle=large).count() == 34
    assert large_open <= small_open + 10, (small_open, large_open)
    cycle_start_calibration(cycle=large, force=True, reason="测试")
    assert queries(lambda cycle: cycle_close(cycle=cycle, force=True, reason="测试"), large) <= small_close + 10
    assert Appraisal.objects.filter(cycle=large, state=AppraisalState.NOT_COMPLETED).count() == 34


def test_reopening_recomputes_bands_hr_did_not_move(team):
    cycle = _closed_cycle(team)
    cycle_close(cycle=cycle)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    appraisal_acknowledge(appraisal=appraisal)
    assert appraisal.band == "S"
    cycle_reopen(cycle=cycle, reason="更正实际值")
    appraisal.refresh_from_db()
    assert (appraisal.band, appraisal.state) == ("S", AppraisalState.ACKNOWLEDGED), "results stand until rescored"
    appraisals_return(appraisals=[appraisal], reason="销售额录入错误")
    sales = appraisal.lines.get(indicator__code="SALES")
    appraisal_update(appraisal=appraisal, role="hr", lines=[{"id": sales.pk, "actual": D("20")}])
    appraisal_submit_review(appraisal=appraisal)
    cycle_close(cycle=cycle)
    appraisal.refresh_from_db()
    assert appraisal.band == appraisal.computed_band != "S"
    assert (appraisal.state, appraisal.acknowledged) == (AppraisalState.CALIBRATED, None), "acknowledged again"
    assert appraisal.result_change_reason == "更正实际值"
    assert appraisal.events.get(action="result_changed").changes["band"] == ["S", appraisal.band]


def test_a_submitted_review_is_locked_for_manager_and_employee(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = _run(Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"]))
    skill = appraisal.lines.get(indicator__code="SKILL")
    with pytest.raises(Conflict):
        appraisal_update(appraisal=appraisal, role="manager", lines=[{"id": skill.pk, "manager_score": None}])
    assert appraisal_update(appraisal=appraisal, role="hr", lines=[{"id": skill.pk, "manager_score": 3}])


def test_nobody_reviews_themselves(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    with pytest.raises(ValidationError) as error:
        appraisal_update(appraisal=appraisal, role="hr", fields={"reviewer": team["people"]["rep1"]})
    assert "reviewer" in error.value.message_dict


def test_only_the_sets_in_use_must_be_usable_to_open(team, library):
    from appraisal.models import KpiSet

    unused = KpiSet.objects.create(code="UNUSED", name="无人使用", status="active", results_weight=D(10))
    assert unused.positions.count() == 0
    cycle = make_cycle()
    assert cycle_open(cycle=cycle)["created"] == 4


def test_a_negative_target_is_refused(library):
    from tests.appraisal.conftest import make_set

    kpi_set = make_set(library, activate=False)
    item = kpi_set.items.first()
    item.target = D("-10")
    with pytest.raises(ValidationError):
        item.full_clean()


QUANTITATIVE_CASES = [  # actual, target, direction
    ("108", "100", ""), ("90", "95", ""), ("92", "100", "lower"), ("130", "100", ""), ("0", "100", "lower"),
    ("-5", "100", "lower"), ("0", "0", ""), ("-1", "0", ""), ("2", "0", "lower"), ("0", "0", "lower"),
    ("-20", "100", ""), ("1", "3", ""), ("2", "3", ""), ("12.345", "100", ""), ("100", "7", "lower"),
    ("200", "133.3333", "lower"), ("999999999999.9999", "999999999999.9998", ""), ("1", "999999999999.9999", ""),
    ("0.0001", "0.0003", ""), ("33.3355", "100", ""), (None, "10", ""), ("10", None, ""),
]  # fmt: skip
RATED_CASES = [None, 1, 2, 3]  # manager scores on the levels below
LEVELS = [{"level": 1, "points": "33.335"}, {"level": 2, "points": 60}, {"level": 3, "points": "87.5"}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL scores the lines in SQL")
def test_postgresql_scores_every_kind_of_line_as_the_scoring_rules_do(team):
    policy = AppraisalPolicy.current()
    policy.achievement_cap = D("150.5")
    policy.save()
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    lines = list(AppraisalLine.objects.filter(appraisal__cycle=cycle).order_by("id"))
    appraisals = list(Appraisal.objects.filter(cycle=cycle).order_by("id"))
    new = []
    for index, (actual, target, direction) in enumerate(QUANTITATIVE_CASES):
        template = lines[index % len(lines)]
        new.append(AppraisalLine(
            appraisal=appraisals[index % len(appraisals)], indicator_id=template.indicator_id, name="q",
            dimension=template.dimension, kind="quantitative", direction=direction, weight=D(index % 4 * 10),
            target=target and D(target), actual=actual and D(actual),
        ))  # fmt: skip
    for index, level in enumerate(RATED_CASES * 2):
        template = lines[index % len(lines)]
        new.append(AppraisalLine(
            appraisal=appraisals[(index + 1) % len(appraisals)], indicator_id=template.indicator_id, name="r",
            dimension=template.dimension, kind="rated", weight=D(15), levels=LEVELS, manager_score=level,
        ))  # fmt: skip
    AppraisalLine.objects.bulk_create(new)
    cycle_compute_results(cycle=cycle)

    fields = ["id", "appraisal_id", "dimension", "kind", "direction", "weight", "target", "levels", "actual",
              "manager_score", "score"]  # fmt: skip
    stored = list(AppraisalLine.objects.filter(appraisal__cycle=cycle).values(*fields))
    for line in stored:
        assert line["score"] == line_score(line, policy.achievement_cap), line
    assert {line["score"] for line in stored} >= {D("150.50"), D("33.34"), D("12.35"), D("33.34"), D("0"), None}
    for appraisal in Appraisal.objects.filter(cycle=cycle).values(
        "id", "results_weight", "ability_weight", "attitude_weight", *RESULT_FIELDS
    ):  # fmt: skip
        mine = [(line["dimension"], line["weight"], line["score"]) for line in stored
                if line["appraisal_id"] == appraisal["id"]]  # fmt: skip
        expected = results_of(appraisal, scoring.dimension_scores(mine) if mine else None, bands())
        assert {name: appraisal[name] for name in RESULT_FIELDS} == expected
