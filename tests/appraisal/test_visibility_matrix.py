"""The visibility matrix: role × state × field, through the API (detail, list, history) and the page alike.

One appraisal (代表丙's, reviewed by 经理乙) is walked through every state. In each, every field
that holds a value is read by each role through the API and the page; a field appears exactly
where `appraisal.visibility` says, and hidden text never appears anywhere. Some cells are also
stated by hand below, so the policy itself is held to what the issue asks.
"""

import datetime
import json
import re
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from rest_framework.test import APIClient

from appraisal import visibility
from appraisal.models import Appraisal
from appraisal.services import (
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    cycle_close,
    cycle_open,
    cycle_release_results,
    cycle_start_calibration,
)
from orgdesign.access import API_READER, HR_ADMIN
from orgdesign.services import api_token_create
from positions.services import employee_update
from tests.appraisal.conftest import make_cycle
from tests.appraisal.test_cycles import _run

pytestmark = pytest.mark.django_db

PASSWORD = "matrix-password-9"
# Text only one field holds, so a leak shows wherever it appears.
TEXT = {
    "self_comment": "自评总述甲一", "manager_comment": "经理评语乙二", "feedback_notes": "面谈记录丙三",
    "band_reason": "内部理由丁四", "band_note": "给员工的说明戊五", "objection": "异议内容己六",
}  # fmt: skip
LINE_TEXT = {"self_comment": "行自评庚七", "comment": "行经理辛八"}


@pytest.fixture
def walk(team, django_user_model):
    people = team["people"]
    users = {}
    for role, person in (("employee", people["rep1"]), ("reviewer", people["manager"])):
        users[role] = django_user_model.objects.create_user(role, password=PASSWORD)
        employee_update(employee=person, user=users[role])
    users["hr"] = django_user_model.objects.create_user("hr", password=PASSWORD, is_staff=True)
    users["hr"].groups.add(Group.objects.get(name=HR_ADMIN))
    users["reader"] = django_user_model.objects.create_user("reader", password=PASSWORD)
    users["reader"].groups.add(Group.objects.get(name=API_READER))
    users["reader"].user_permissions.add(Permission.objects.get(codename="view_appraisal"))
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    for person in ("director", "manager", "rep2"):
        _run(Appraisal.objects.get(cycle=cycle, employee=people[person]))
    appraisal = Appraisal.objects.get(cycle=cycle, employee=people["rep1"])
    return {"users": users, "appraisal": appraisal, "cycle": cycle}


def _self_assess(appraisal):
    lines = list(appraisal.lines.all())
    appraisal_update(appraisal=appraisal, role="employee", fields={"self_comment": TEXT["self_comment"]}, lines=[
        {"id": line.pk, "actual": D("112.5"), "self_comment": LINE_TEXT["self_comment"]} if line.kind == "quantitative"
        else {"id": line.pk, "self_score": 4, "self_comment": LINE_TEXT["self_comment"]}
        for line in lines
    ])  # fmt: skip


def _review(appraisal):
    lines = list(appraisal.lines.all())
    appraisal_update(appraisal=appraisal, role="manager", fields={
        "manager_comment": TEXT["manager_comment"], "feedback_notes": TEXT["feedback_notes"],
        "feedback_date": datetime.date(2026, 10, 15),
    }, lines=[
        {"id": line.pk, "actual": D("110"), "comment": LINE_TEXT["comment"]} if line.kind == "quantitative"
        else {"id": line.pk, "manager_score": 5, "comment": LINE_TEXT["comment"]}
        for line in lines
    ])  # fmt: skip


def _steps(walk):
    """(name, action) in order; each action moves the appraisal one state on."""
    a, cycle, hr = walk["appraisal"], walk["cycle"], walk["users"]["hr"]

    def fresh():
        return Appraisal.objects.get(pk=a.pk)

    return [
        ("self-assessment saved", lambda: _self_assess(fresh())),
        ("self-assessment submitted, review saved", lambda: (appraisal_submit_self(appraisal=fresh()),
                                                             _review(fresh()))),
        ("review submitted", lambda: appraisal_submit_review(appraisal=fresh())),
        ("calibration", lambda: (cycle_start_calibration(cycle=cycle),
                                 appraisal_calibrate(appraisal=fresh(), band="A", reason=TEXT["band_reason"],
                                                     note=TEXT["band_note"], user=hr))),
        ("closed", lambda: cycle_close(cycle=cycle)),
        ("acknowledged with an objection", lambda: appraisal_acknowledge(appraisal=fresh(),
                                                                         objection=TEXT["objection"])),
    ]  # fmt: skip


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    return client


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def _filled(appraisal):
    """Field names of the appraisal and of its lines that hold a value now."""
    fields = {name for name in visibility.APPRAISAL_FIELDS - visibility.IDENTITY
              if getattr(appraisal, name, None) not in (None, "")}  # fmt: skip
    line_fields = set()
    for line in appraisal.lines.all():
        line_fields |= {name for name in visibility.LINE_FIELDS - visibility.LINE_IDENTITY
                        if getattr(line, name) not in (None, "")}  # fmt: skip
    return fields, line_fields


def _api_fields(row):
    fields = {name for name, value in row.items() if value not in (None, "", [])}
    line_fields = {name for line in row["lines"] for name, value in line.items() if value not in (None, "")}
    return fields, line_fields


def _page_fields(html):
    fields = set(re.findall(r'data-field="(\w+)"', html))
    line_fields = set(re.findall(r'data-line-field="(\w+)"', html))
    return fields, line_fields


def test_every_role_reads_the_same_fields_in_the_api_and_the_page_in_every_state(walk):
    appraisal = walk["appraisal"]
    clients = {role: (_api(user), _page(user)) for role, user in walk["users"].items()}
    seen_cells = 0
    for name, step in _steps(walk):
        step()
        current = Appraisal.objects.select_related("cycle").get(pk=appraisal.pk)
        facts = visibility.Facts.of(current)
        filled, filled_lines = _filled(current)
        for role, (api, page) in clients.items():
            readable, readable_lines = visibility.readable(role, facts)
            want, want_lines = filled & readable, filled_lines & readable_lines
            where = f"{name} as {role}"
            detail = api.get(f"/api/v1/appraisals/{appraisal.pk}/")
            assert detail.status_code == 200, where
            got, got_lines = _api_fields(detail.json())
            assert got & filled == want, where
            assert got_lines & filled_lines == want_lines, where
            listed = api.get("/api/v1/appraisals/?limit=100").json()["results"]
            assert next(row for row in listed if row["id"] == appraisal.pk) == detail.json(), where
            history = api.get(f"/api/v1/appraisals/{appraisal.pk}/history/?limit=500").json()["results"]
            changed = {change["field"] for entry in history for change in entry["changes"]}
            if role != "hr":  # HR reads everything; others only what the policy lists
                assert changed - visibility.IDENTITY - visibility.LINE_IDENTITY <= readable | readable_lines, where
            body = json.dumps(detail.json(), ensure_ascii=False) + json.dumps(history, ensure_ascii=False)
            if role != "reader":
                html = page.get(f"/appraisals/{appraisal.pk}/").content.decode()
                marked, marked_lines = _page_fields(html)
                assert marked & filled == want, where
                assert marked_lines & filled_lines == want_lines, where
                body += html
            for field, text in TEXT.items():
                if field in filled:
                    assert (text in body) == (field in readable), f"{where}: {field}"
            for field, text in LINE_TEXT.items():
                if field in filled_lines:
                    assert (text in body) == (field in readable_lines), f"{where}: line {field}"
            seen_cells += 1
    assert seen_cells == 6 * 4


@pytest.mark.parametrize(
    ("role", "state", "field", "seen"),
    [
        ("employee", "review submitted", "manager_score", False),
        ("employee", "calibration", "final_score", False),
        ("employee", "closed", "manager_score", True),
        ("employee", "closed", "band_reason", False),
        ("employee", "closed", "band_note", True),
        ("reviewer", "self-assessment saved", "self_score", False),
        ("reviewer", "review submitted", "self_score", True),
        ("reviewer", "closed", "band_reason", False),
        ("reviewer", "closed", "objection", False),
        ("reader", "self-assessment submitted, review saved", "manager_score", False),
        ("reader", "review submitted", "manager_score", True),
        ("reader", "closed", "band_reason", False),
        ("hr", "self-assessment saved", "self_score", True),
        ("hr", "closed", "band_reason", True),
    ],
)
def test_the_cells_the_issue_names(walk, role, state, field, seen):
    steps = _steps(walk)
    names = [name for name, _step in steps]
    for _name, step in steps[: names.index(state) + 1]:
        step()
    facts = visibility.Facts.of(Appraisal.objects.select_related("cycle").get(pk=walk["appraisal"].pk))
    fields, lines = visibility.readable(role, facts)
    assert (field in fields or field in lines) == seen


def test_released_results_reach_the_employee_before_the_close_marked_provisional(walk):
    for _name, step in _steps(walk)[:3]:
        step()
    api = _api(walk["users"]["employee"])
    url = f"/api/v1/appraisals/{walk['appraisal'].pk}/"
    assert api.get(url).json()["final_score"] is None
    cycle_release_results(cycle=walk["cycle"])
    row = api.get(url).json()
    assert row["final_score"] is not None and row["band"] and row["manager_comment"] == TEXT["manager_comment"]
    html = _page(walk["users"]["employee"]).get(f"/appraisals/{walk['appraisal'].pk}/").content.decode()
    assert 'data-field="final_score"' in html and "Provisional" in html
