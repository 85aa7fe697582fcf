"""The quarter as a process, at the level of the services: gates, not completed, reopen, who entered what, appeals.

The team (tests/appraisal/conftest.py): 总监甲 (top, reviewed by HR) over 经理乙, who reviews 代表丙 and 代表丁.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from appraisal.choices import AppealOutcome, AppraisalState, CycleState
from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.services import (
    appeal_assign,
    appeal_decide,
    appeal_file,
    appeals_overdue,
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_recall,
    appraisal_resolve_objection,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    appraisals_calibrate,
    appraisals_return,
    cycle_close,
    cycle_open,
    cycle_open_preview,
    cycle_reopen,
    cycle_start_calibration,
    cycle_unfinished,
    cycle_write,
    kpi_set_delete,
)
from orgdesign.exceptions import ConcurrentUpdate, Conflict
from tests.appraisal.conftest import make_cycle
from tests.appraisal.test_cycles import _run
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def _appraisal(cycle, person):
    return Appraisal.objects.select_related("cycle", "employee", "reviewer").get(cycle=cycle, employee=person)


def _user(django_user_model, person, username):
    from positions.services import employee_update

    user = django_user_model.objects.create_user(username, password="pw-123456789")
    employee_update(employee=person, user=user)
    return user


@pytest.fixture
def cycle(team):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    return cycle


def test_the_gates_count_what_is_unfinished_per_state_and_unit_with_names(team, cycle):
    people = team["people"]
    _run(_appraisal(cycle, people["rep1"]))
    rep2 = _appraisal(cycle, people["rep2"])
    appraisal_update(appraisal=rep2, role="employee", lines=[
        {"id": line.pk, "actual": D(100)} if line.kind == "quantitative" else {"id": line.pk, "self_score": 3}
        for line in rep2.lines.all()
    ])  # fmt: skip
    appraisal_submit_self(appraisal=rep2)
    unfinished = cycle_unfinished(cycle)
    # 总监甲 and 经理乙 have not self-assessed; 代表丁 waits for the manager; 代表丙 is reviewed.
    assert unfinished["count"] == 3
    assert unfinished["by_state"] == {"self_assessment": 2, "manager_review": 1}
    by_unit = {unit["name"]: [p["name"] for p in unit["people"]] for unit in unfinished["by_unit"]}
    assert by_unit == {"营销总部": ["总监甲"], "销售部": ["经理乙", "代表丁"]}
    with pytest.raises(Conflict) as refused:
        cycle_start_calibration(cycle=cycle)
    assert refused.value.code == "unfinished" and refused.value.data["unfinished"]["count"] == 3
    assert "3 appraisals are unfinished" in str(refused.value) and "代表丁" in str(refused.value)
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.OPEN
    with pytest.raises(ValidationError) as no_reason:
        cycle_start_calibration(cycle=cycle, force=True, reason="  ")
    assert "reason" in no_reason.value.message_dict
    cycle_start_calibration(cycle=cycle, force=True, reason="季度会议已定")
    event = cycle.events.get(action="force_calibration")
    assert (event.reason, event.unfinished) == ("季度会议已定", 3), "the reason as written, the count apart"


def test_a_forced_close_ends_the_unfinished_as_not_completed_without_any_result(team, cycle):
    people = team["people"]
    _run(_appraisal(cycle, people["rep1"]))
    half = _appraisal(cycle, people["rep2"])
    skill = half.lines.get(indicator__code="SKILL")
    appraisal_update(appraisal=half, role="hr", lines=[{"id": skill.pk, "self_score": 4}])
    cycle_start_calibration(cycle=cycle, force=True, reason="按期")
    with pytest.raises(Conflict):
        cycle_close(cycle=cycle)
    cycle_close(cycle=cycle, force=True, reason="三人未完成,按制度记为未完成")
    reviewed, left = _appraisal(cycle, people["rep1"]), _appraisal(cycle, people["rep2"])
    assert reviewed.state == AppraisalState.CALIBRATED and reviewed.band == "S" and reviewed.bonus_coefficient
    assert left.state == AppraisalState.NOT_COMPLETED
    assert (left.final_score, left.computed_band, left.band, left.bonus_coefficient, left.merit_increase) == (
        None, "", "", None, None,
    )  # fmt: skip
    assert left.events.get(action="not_completed").reason == "三人未完成,按制度记为未完成"
    assert Appraisal.objects.filter(cycle=cycle, state=AppraisalState.NOT_COMPLETED).count() == 3
    with pytest.raises(Conflict):
        appraisal_acknowledge(appraisal=left)
    cycle.refresh_from_db()
    forced = cycle.events.get(action="force_close")
    assert (forced.reason, forced.unfinished) == ("三人未完成,按制度记为未完成", 3)
    assert cycle.appeal_deadline == timezone.localdate() + datetime.timedelta(days=14)


def test_the_employee_and_the_manager_actuals_are_both_kept_and_the_history_says_who(team, cycle, django_user_model):
    rep = _appraisal(cycle, team["people"]["rep1"])
    sales = rep.lines.get(indicator__code="SALES")
    others = [{"id": line.pk, "self_score": 4} for line in rep.lines.filter(kind="rated")]
    budget = rep.lines.get(indicator__code="BUDGET")
    appraisal_update(appraisal=rep, role="employee", lines=[
        {"id": sales.pk, "actual": D("112.5")}, {"id": budget.pk, "actual": D("90")}, *others,
    ])  # fmt: skip
    appraisal_submit_self(appraisal=rep)
    appraisal_update(appraisal=rep, role="manager", lines=[
        {"id": sales.pk, "actual": D("110")}, {"id": budget.pk, "actual": D("90")},
    ])  # fmt: skip
    sales.refresh_from_db()
    budget.refresh_from_db()
    assert (sales.self_actual, sales.manager_actual, sales.actual) == (D("112.5"), D("110"), D("110"))
    assert (budget.self_actual, budget.manager_actual, budget.actual) == (D("90"), None, D("90")), "same value: no copy"
    rows = list(
        type(sales).history.filter(id=sales.pk).order_by("history_id").values_list("self_actual", "manager_actual")
    )
    assert rows[-2:] == [(D("112.5"), None), (D("112.5"), D("110"))]
    appraisal_update(appraisal=rep, role="manager", lines=[{"id": sales.pk, "actual": None}])
    sales.refresh_from_db()
    assert sales.actual == D("112.5"), "clearing the manager's value falls back to the employee's"


def test_an_actual_below_the_minimum_and_several_errors_are_refused_together(team, cycle):
    rep = _appraisal(cycle, team["people"]["rep1"])
    lines = {line.indicator.code: line for line in rep.lines.select_related("indicator")}
    with pytest.raises(ValidationError) as error:
        appraisal_update(appraisal=rep, role="employee", lines=[
            {"id": lines["SALES"].pk, "actual": D("-1")}, {"id": lines["SKILL"].pk, "self_score": 9},
        ])  # fmt: skip
    errors = error.value.message_dict
    assert errors["lines[0].actual"] == ["销售目标达成率: the actual cannot be below 0."]
    assert "lines[1].self_score" in errors
    lines["SALES"].refresh_from_db()
    assert lines["SALES"].actual is None, "nothing saved in part"


def test_a_manager_recalls_a_review_until_the_employee_acknowledges(team, cycle):
    rep = _run(_appraisal(cycle, team["people"]["rep1"]))
    with pytest.raises(Conflict):
        appraisal_update(appraisal=rep, role="manager", fields={"manager_comment": "改"})
    appraisal_recall(appraisal=rep)
    rep.refresh_from_db()
    assert (rep.state, rep.reviewed) == (AppraisalState.MANAGER_REVIEW, None)
    assert rep.events.get(action="recalled")
    appraisal_update(appraisal=rep, role="manager", fields={"manager_comment": "补充说明"})
    appraisal_submit_review(appraisal=_appraisal(cycle, team["people"]["rep1"]))
    for person in ("director", "manager", "rep2"):
        _run(_appraisal(cycle, team["people"][person]))
    cycle_start_calibration(cycle=cycle)
    cycle_close(cycle=cycle)
    rep = _appraisal(cycle, team["people"]["rep1"])
    appraisal_acknowledge(appraisal=rep)
    with pytest.raises(Conflict):
        appraisal_recall(appraisal=rep)


def _finished(team, cycle):
    for person in team["people"].values():
        if Appraisal.objects.filter(cycle=cycle, employee=person).exists():
            _run(_appraisal(cycle, person))
    cycle_start_calibration(cycle=cycle)


def test_calibration_keeps_hr_reason_apart_from_the_note_and_moves_several_at_once(team, cycle, hr_user):
    _finished(team, cycle)
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    appraisal_calibrate(appraisal=rep1, band="A", reason="王经理说他不配S", note="本部门S比例超出指导线", user=hr_user)
    rep1.refresh_from_db()
    assert (rep1.band, rep1.band_reason, rep1.band_note) == ("A", "王经理说他不配S", "本部门S比例超出指导线")
    with pytest.raises(ValidationError):
        appraisals_calibrate(moves=[(rep2, "Z", None)], reason="x")
    moved = appraisals_calibrate(
        moves=[(rep1, "B", rep1.revision), (rep2, "B", rep2.revision)], reason="部门整体下调", user=hr_user
    )
    assert [a.band for a in moved] == ["B", "B"]
    stale = _appraisal(cycle, team["people"]["director"])
    with pytest.raises(ConcurrentUpdate):  # a stale revision refuses the whole step
        appraisals_calibrate(moves=[(stale, "C", stale.revision - 1), (rep2, "C", None)], reason="x")
    assert _appraisal(cycle, team["people"]["rep2"]).band == "B"


def test_sending_back_reopens_scoring_with_the_reason_and_undoes_calibration(team, cycle):
    _finished(team, cycle)
    rep = _appraisal(cycle, team["people"]["rep1"])
    appraisal_calibrate(appraisal=rep, band="A", reason="校准")
    with pytest.raises(ValidationError):
        appraisals_return(appraisals=[rep], reason="")
    appraisals_return(appraisals=[rep], reason="请复核销售额")
    rep.refresh_from_db()
    assert (rep.state, rep.reviewed, rep.returned_reason, rep.band) == (
        AppraisalState.MANAGER_REVIEW, None, "请复核销售额", "",
    )  # fmt: skip
    assert rep.events.get(action="returned").changes["band"] == ["A", ""]
    with pytest.raises(Conflict):
        cycle_close(cycle=cycle)


def test_reopening_keeps_acknowledgements_whose_result_did_not_change(team, cycle):
    _finished(team, cycle)
    cycle_close(cycle=cycle)
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    appraisal_acknowledge(appraisal=rep1, objection="我不同意")
    appraisal_acknowledge(appraisal=rep2)
    cycle_reopen(cycle=_appraisal(cycle, team["people"]["rep1"]).cycle, reason="复核代表丁的等级")
    appraisal_calibrate(appraisal=_appraisal(cycle, team["people"]["rep2"]), band="B", reason="复核后下调")
    cycle_close(cycle=AppraisalCycle.objects.get(pk=cycle.pk))
    rep1, rep2 = _appraisal(cycle, team["people"]["rep1"]), _appraisal(cycle, team["people"]["rep2"])
    assert rep1.state == AppraisalState.ACKNOWLEDGED and rep1.acknowledged and rep1.objection == "我不同意"
    assert (rep2.state, rep2.acknowledged, rep2.result_change_reason) == (
        AppraisalState.CALIBRATED, None, "复核代表丁的等级",
    )  # fmt: skip
    appraisal_resolve_objection(appraisal=rep1, resolution="已复核,维持原等级")
    rep1.refresh_from_db()
    assert rep1.objection == "我不同意" and rep1.objection_resolved and rep1.events.get(action="objection_resolved")
    with pytest.raises(Conflict):
        appraisal_resolve_objection(appraisal=rep1, resolution="again")


def test_the_top_of_the_tree_is_reviewed_by_hr_or_the_person_named_on_the_cycle(team):
    outsider = make_employee(position=None, name="外部评审")
    plain = make_cycle(name="A")
    preview = cycle_open_preview(plain)
    assert preview["appraisals"] == 4 and [p["name"] for p in preview["reviewed_by_hr"]] == ["总监甲"]
    assert {p["name"] for p in preview["left_out"]} == {"品牌戊", "外部评审", "待岗己"}, "no position, no set"
    cycle_open(cycle=plain)
    assert _appraisal(plain, team["people"]["director"]).reviewer is None
    named = cycle_write(fields={
        "name": "B", "period_start": datetime.date(2026, 10, 1), "period_end": datetime.date(2026, 12, 31),
        "self_deadline": datetime.date(2027, 1, 5), "review_deadline": datetime.date(2027, 1, 10),
        "top_reviewer": outsider,
    })  # fmt: skip
    cycle_open(cycle=named)
    assert _appraisal(named, team["people"]["director"]).reviewer == outsider


def test_overlapping_periods_of_the_same_scope_are_refused_and_a_running_cycle_keeps_its_period(team, cycle):
    with pytest.raises(ValidationError) as error:
        make_cycle(name="2026-Q3b", start="2026-08-01")
    assert "overlaps 2026-Q3" in error.value.message_dict["period_start"][0]
    other_scope = make_cycle(name="销售部Q3", scope=team["units"]["sales"], start="2026-08-01")
    assert other_scope.pk
    with pytest.raises(Conflict):
        cycle_write(cycle=cycle, fields={"period_end": datetime.date(2026, 9, 1)})


def test_a_kpi_set_a_running_cycle_uses_cannot_be_deleted(team, cycle):
    with pytest.raises(Conflict) as error:
        kpi_set_delete(kpi_set=team["set"])
    assert "2026-Q3" in str(error.value)


@pytest.fixture
def closed(team, cycle, django_user_model):
    _finished(team, cycle)
    cycle_close(cycle=cycle)
    users = {
        "rep": _user(django_user_model, team["people"]["rep1"], "rep"),
        "manager": _user(django_user_model, team["people"]["manager"], "manager"),
        "brand": _user(django_user_model, team["people"]["brand"], "brand"),
    }
    return {"cycle": AppraisalCycle.objects.get(pk=cycle.pk), "users": users}


def test_an_appeal_changed_by_rebanding_recomputes_only_that_appraisal(team, closed, hr_user):
    cycle, users = closed["cycle"], closed["users"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    other = _appraisal(cycle, team["people"]["rep2"])
    appraisal_acknowledge(appraisal=rep)
    with pytest.raises(ValidationError):
        appeal_file(appraisal=rep, grounds=" ", user=users["rep"])
    appeal = appeal_file(appraisal=rep, grounds="本季度大客户回款未计入", user=users["rep"])
    assert appeal.due == timezone.localdate() + datetime.timedelta(days=14)
    with pytest.raises(Conflict):
        appeal_file(appraisal=rep, grounds="again", user=users["rep"])
    with pytest.raises(ValidationError) as manager_named:
        appeal_assign(appeal=appeal, decider=users["manager"], user=hr_user)
    assert "decider" in manager_named.value.message_dict
    appeal = appeal_assign(appeal=appeal, decider=users["brand"], user=hr_user)
    with pytest.raises(Conflict):
        appeal_decide(appeal=appeal, outcome="changed", decision="x", band="A", user=users["manager"])
    with pytest.raises(ValidationError):
        appeal_decide(appeal=appeal, outcome="changed", decision="", band="A", user=users["brand"])
    appeal_decide(appeal=appeal, outcome=AppealOutcome.CHANGED, decision="回款核实后调为A", band="A",
                  user=users["brand"])  # fmt: skip
    rep.refresh_from_db()
    appeal.refresh_from_db()
    assert (rep.band, rep.bonus_coefficient, rep.state, rep.acknowledged) == ("A", D("1.50"), "calibrated", None)
    assert rep.result_change_reason == "回款核实后调为A"
    assert (appeal.band_before, appeal.band_after, appeal.decided_by) == ("S", "A", users["brand"])
    assert _appraisal(cycle, team["people"]["rep2"]).band == other.band, "nobody else moves"
    assert rep.events.get(action="appeal_decided").changes["band"] == ["S", "A"]


def test_an_appeal_changed_by_rescoring_and_one_rejected(team, closed, hr_user):
    cycle, users = closed["cycle"], closed["users"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    skill = rep.lines.get(indicator__code="SKILL")
    appeal = appeal_file(appraisal=rep, grounds="专业能力评分偏低", user=users["rep"])
    appeal_decide(appeal=appeal, outcome="changed", decision="复核后上调", lines=[{"id": skill.pk, "manager_score": 5}],
                  user=hr_user)  # fmt: skip
    rep.refresh_from_db()
    skill.refresh_from_db()
    assert skill.manager_score == 5 and rep.ability_score == D("100.00")
    manager = _appraisal(cycle, team["people"]["manager"])
    rejected = appeal_file(appraisal=manager, grounds="不服", user=None)
    appeal_decide(appeal=rejected, outcome="rejected", decision="申诉理由与考核结果无关", user=hr_user)
    manager.refresh_from_db()
    assert manager.band == "S" and manager.state == AppraisalState.CALIBRATED
    with pytest.raises(Conflict):
        appeal_decide(appeal=rejected, outcome="upheld", decision="again", user=hr_user)


def test_appeals_close_at_the_deadline_and_overdue_ones_are_listed(team, closed):
    cycle, users = closed["cycle"], closed["users"]
    rep = _appraisal(cycle, team["people"]["rep1"])
    appeal = appeal_file(appraisal=rep, grounds="理由", user=users["rep"])
    Appeal.objects.filter(pk=appeal.pk).update(due=timezone.localdate() - datetime.timedelta(days=1))
    assert list(appeals_overdue()) == [Appeal.objects.get(pk=appeal.pk)]
    AppraisalCycle.objects.filter(pk=cycle.pk).update(appeal_deadline=timezone.localdate() - datetime.timedelta(1))
    with pytest.raises(Conflict) as late:
        appeal_file(appraisal=_appraisal(cycle, team["people"]["rep2"]), grounds="迟到", user=None)
    assert "has passed" in str(late.value)
