"""The API's side doors tell nobody more than its front doors: org chart people, cycles, RACI history,
filters on ids, KPI sets."""

import json

import pytest
from django.db.models import Count, Q

from analytics.models import Process, RaciAssignment
from appraisal.models import Appraisal, AppraisalCycle, KpiSet
from departments.models import Department
from positions.models import Employee, Position

pytestmark = pytest.mark.django_db


def _holders(units):
    for unit in units:
        for position in unit["positions"]:
            yield position["id"], position["filled"], [person["id"] for person in position["holders"]]
        yield from _holders(unit["children"])


def test_the_org_chart_names_only_the_people_the_reader_may_see(matrix):
    rep = matrix["users"]["rep"].employee
    mine = matrix["clients"]["rep"].get("/api/v1/org-chart/").json()["units"]
    named = {person for _position, _filled, people in _holders(mine) for person in people}
    assert named == {rep.pk}, "an employee is named alone, as on the page"
    hr = {position: filled for position, filled, _people in _holders(matrix["clients"]["hr"].get(
        "/api/v1/org-chart/").json()["units"])}  # fmt: skip
    assert all(hr[position] == filled for position, filled, _people in _holders(mine)), "the counts cover everyone"
    manager = matrix["clients"]["sales_manager"].get("/api/v1/org-chart/").json()["units"]
    seen = set(Employee.objects.filter(position__department__path__startswith=Department.objects.get(
        name="销售部").path, active=True).values_list("pk", flat=True))  # fmt: skip
    assert {p for _position, _filled, people in _holders(manager) for p in people} == seen
    reader = matrix["clients"]["reader"].get("/api/v1/org-chart/").json()["units"]
    assert (
        sum(len(people) for _position, _filled, people in _holders(reader))
        == Employee.objects.filter(active=True, position__isnull=False).count()
    )


def test_a_cycle_tells_others_neither_who_was_left_out_nor_the_company_s_count(matrix):
    cycle = matrix["cycle"]
    AppraisalCycle.objects.filter(pk=cycle.pk).update(left_out=[{"name": "某人", "reason": "试用期"}])
    url = f"/api/v1/appraisal-cycles/{cycle.pk}/"
    hr = matrix["clients"]["hr"].get(url).json()
    assert hr["left_out"] == [{"name": "某人", "reason": "试用期"}]
    assert hr["appraisal_count"] == Appraisal.objects.filter(cycle=cycle).count() > 10
    for role in ("rep", "sales_manager"):
        user = matrix["users"][role]
        row = matrix["clients"][role].get(url).json()
        listed = next(c for c in matrix["clients"][role].get("/api/v1/appraisal-cycles/").json()["results"]
                      if c["id"] == cycle.pk)  # fmt: skip
        theirs = matrix["clients"][role].get(f"/api/v1/appraisals/?cycle={cycle.pk}").json()["count"]
        assert row["left_out"] is None and listed["left_out"] is None, role
        assert row["appraisal_count"] == listed["appraisal_count"] == theirs, (role, user)
    assert matrix["clients"]["rep"].get(url).json()["appraisal_count"] == 1


def test_the_raci_history_shows_only_assignments_of_positions_the_reader_may_see(matrix):
    process = Process.objects.get(code="PRC-PROMO")
    url = f"/api/v1/processes/{process.pk}/history/?limit=1000"
    position_of = dict(RaciAssignment.history.values_list("id", "position_id"))
    everything = [e for e in matrix["clients"]["hr"].get(url).json()["results"] if e["object"] == "RACI assignment"]
    assert {position_of[e["object_id"]] for e in everything} == set(
        RaciAssignment.objects.filter(step__process=process).values_list("position_id", flat=True)
    )
    for role in ("rep", "market_manager", "sales_manager"):
        client = matrix["clients"][role]
        streamed = client.get("/api/v1/positions/all/")
        visible = {row["id"] for row in json.loads(b"".join(streamed.streaming_content))["results"]}
        entries = [e for e in client.get(url).json()["results"] if e["object"] == "RACI assignment"]
        assert {position_of[e["object_id"]] for e in entries} <= visible, role
        assert len(entries) < len(everything), role


def _probe(client, path, hidden_id):
    """The answers for a hidden id and for one that exists nowhere, with the id taken out of the text."""
    answers = []
    for pk in (hidden_id, 987654321):
        response = client.get(path.format(pk))
        answers.append((response.status_code, response.content.decode().replace(str(pk), "ID")))
    return answers


def test_filters_answer_alike_for_a_hidden_id_and_a_missing_one(matrix):
    sales = Department.objects.get(name="销售部")
    market_manager_of_sales = Employee.objects.filter(position__department=sales, active=True).first()
    hidden_position = Position.objects.filter(department=sales).first()
    outsider = (
        Appraisal.objects.filter(cycle=matrix["cycle"])
        .exclude(employee__position__department__path__startswith=Department.objects.get(name="市场部").path)
        .exclude(reviewer__isnull=True)
        .first()
    )
    probes = [
        ("market_manager", "/api/v1/positions/?department={}", sales.pk),
        ("market_manager", "/api/v1/employees/?department={}", sales.pk),
        ("market_manager", "/api/v1/departments/?parent={}", sales.pk),
        ("market_manager", "/api/v1/departments/?within={}", sales.pk),
        ("market_manager", "/api/v1/employees/?position={}", hidden_position.pk),
        ("market_manager", "/api/v1/positions/?reports_to={}", hidden_position.pk),
        ("market_manager", "/api/v1/kpi-sets/?position={}", hidden_position.pk),
        ("market_manager", "/api/v1/appraisals/?employee={}", market_manager_of_sales.pk),
        ("market_manager", "/api/v1/appraisals/?reviewer={}", outsider.reviewer_id),
        ("rep", "/api/v1/appraisals/?employee={}", market_manager_of_sales.pk),
        ("rep", "/api/v1/processes/?owner={}", Department.objects.get(name="市场部").pk),
        ("reader", "/api/v1/appraisals/?cycle={}", matrix["cycle"].pk),
    ]
    for role, path, hidden in probes:
        hidden_answer, missing_answer = _probe(matrix["clients"][role], path, hidden)
        assert hidden_answer == missing_answer, (role, path, hidden_answer, missing_answer)
        assert hidden_answer[0] == 400, (role, path, hidden_answer)
    seen = matrix["clients"]["sales_manager"].get(f"/api/v1/positions/?department={sales.pk}")
    assert seen.status_code == 200 and seen.json()["count"] > 0, "an id the reader may see still filters"


def test_kpi_sets_are_read_only_where_their_positions_are(matrix):
    rep = matrix["users"]["rep"].employee
    unit_positions = set(Position.objects.filter(department=rep.position.department_id).values_list("pk", flat=True))
    theirs = set(KpiSet.objects.filter(positions__in=unit_positions).values_list("pk", flat=True))
    everything = set(KpiSet.objects.values_list("pk", flat=True))
    assert theirs and theirs != everything
    listed = matrix["clients"]["rep"].get("/api/v1/kpi-sets/?limit=1000").json()["results"]
    assert {row["id"] for row in listed} == theirs
    assert all(set(row["positions"]) <= unit_positions for row in listed), "and only the positions they may see"
    other = (everything - theirs).pop()
    assert matrix["clients"]["rep"].get(f"/api/v1/kpi-sets/{other}/").status_code == 404
    assert {row["id"] for row in matrix["clients"]["reader"].get("/api/v1/kpi-sets/?limit=1000").json()[
        "results"]} == everything  # fmt: skip
    assert matrix["clients"]["rep"].get("/api/v1/indicators/").status_code == 200, "the library's indicators are open"


def test_a_manager_moved_to_another_unit_keeps_only_the_closed_reviews_they_wrote(matrix):
    from positions.services import employee_update

    manager = matrix["users"]["sales_manager"].employee
    client = matrix["clients"]["sales_manager"]
    written = Appraisal.objects.filter(cycle__name="2026-Q2", reviewer=manager).first()
    former_report = matrix["appraisal_of"]["区域销售经理"]  # 2026-Q3, open: the manager reviews it today
    colleague = Employee.objects.filter(position__department__name="销售部", active=True).exclude(pk=manager.pk).first()
    assert written is not None and former_report.reviewer_id == manager.pk
    assert client.get(f"/api/v1/employees/{colleague.pk}/").status_code == 200
    elsewhere = next(p for p in Position.objects.filter(department__path__startswith=Department.objects.get(
        name="市场部").path).annotate(held=Count("holders", filter=Q(holders__active=True)))
        if p.held < p.headcount)  # fmt: skip
    employee_update(employee=manager, position=elsewhere)

    assert client.get(f"/api/v1/appraisals/{written.pk}/").status_code == 200, "their own closed review, to read"
    assert client.patch(f"/api/v1/appraisals/{written.pk}/", {}, format="json").status_code == 409
    assert client.get(f"/api/v1/appraisals/{former_report.pk}/").status_code == 404, "the open one has a new reviewer"
    assert Appraisal.objects.get(pk=former_report.pk).reviewer_id != manager.pk
    assert client.get(f"/api/v1/employees/{colleague.pk}/").status_code == 404, "nor the former team's people"
