"""HR's pages of a quarter: the gates with their counts, opening with a preview, editing a draft, calibration,
results and their downloads, and appeals.

The team (tests/appraisal/conftest.py): 总监甲 (the top, reviewed by HR) over 经理乙, who reviews 代表丙 and
代表丁; 品牌戊 (no KPI set) and 待岗己 (no position) are left out.
"""

import csv
import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.choices import AppraisalState, CycleState
from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.selectors import cycle_distribution, cycle_results
from appraisal.services import (
    appeal_file,
    appraisal_acknowledge,
    appraisal_submit_self,
    appraisal_update,
    cycle_close,
    cycle_open,
    cycle_start_calibration,
)
from tests.appraisal import conftest as appraisal_fixtures
from tests.appraisal.conftest import make_cycle
from tests.appraisal.test_cycles import _run
from tests.web.conftest import login_for

pytestmark = pytest.mark.django_db

library, team = appraisal_fixtures.library, appraisal_fixtures.team  # the small organisation's fixtures


@pytest.fixture
def hr(hr_user):
    client = Client()
    client.force_login(hr_user)
    return client


def _appraisal(cycle, person):
    return Appraisal.objects.select_related("cycle", "employee").get(cycle=cycle, employee=person)


@pytest.fixture
def quarter(team):
    """2026-Q3 open: 代表丙 reviewed, 代表丁 self-assessed with a manager's draft, 经理乙 and 总监甲 not started."""
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    people = team["people"]
    _run(_appraisal(cycle, people["rep1"]))
    rep2 = _appraisal(cycle, people["rep2"])
    lines = {line.indicator.code: line for line in rep2.lines.select_related("indicator")}
    rep2 = appraisal_update(appraisal=rep2, role="employee", lines=[
        {"id": lines["SALES"].pk, "actual": D("90")}, {"id": lines["BUDGET"].pk, "actual": D("100")},
        {"id": lines["SKILL"].pk, "self_score": 4}, {"id": lines["DUTY"].pk, "self_score": 4},
    ])  # fmt: skip
    rep2 = appraisal_submit_self(appraisal=rep2)
    appraisal_update(appraisal=rep2, role="manager", lines=[
        {"id": lines["SKILL"].pk, "manager_score": 3}, {"id": lines["DUTY"].pk, "manager_score": 3},
    ])  # fmt: skip
    cycle.refresh_from_db()
    return {"cycle": cycle, "people": people, "page": reverse("cycle-page", args=[cycle.pk])}


def _closed(quarter, *, reason="按期关闭"):
    cycle = quarter["cycle"]
    cycle_start_calibration(cycle=cycle, force=True, reason=reason)
    cycle_close(cycle=cycle, force=True, reason=reason)
    cycle.refresh_from_db()
    return cycle


def _text(html):
    """The words of a page as a reader sees them, without its tags."""
    return re.sub(r" ([;.,:])", r"\1", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- the gates -------------------------------------------------------------------------------------


def test_the_gate_refuses_with_counts_and_names_then_goes_ahead_with_a_reason(quarter, hr):
    cycle, page, people = quarter["cycle"], quarter["page"], quarter["people"]
    html = hr.get(page).content.decode()
    assert 'id="unfinished"' in html and "Unfinished: 3 of 4 appraisals" in _text(html)
    for name in ("经理乙", "总监甲", "代表丁"):
        assert name in html
    assert reverse("appraisal-page", args=[_appraisal(cycle, people["rep2"]).pk]) in html

    response = hr.post(page, {"action": "start_calibration"})
    assert response.status_code == 409
    text = _text(response.content.decode())
    assert 'id="step-refused"' in response.content.decode()
    assert "Starting calibration is refused: 3 appraisals are unfinished" in text
    assert "2 waiting for the self-assessment" in text and "1 waiting for the manager's review" in text
    assert "销售部: 经理乙, 代表丁" in text
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.OPEN

    response = hr.post(page, {"action": "start_calibration", "force": "1", "reason": " "})
    assert response.status_code == 400
    assert re.search(r'id="error-reason">[^<]*say why you go ahead anyway', response.content.decode())
    assert 'name="force" value="1" id="force" checked' in response.content.decode(), "the tick is kept"
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.OPEN

    assert hr.post(page, {"action": "start_calibration", "force": "1", "reason": "按期进入校准"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CALIBRATION
    forced = cycle.events.get(action="force_calibration")
    assert (forced.reason, forced.unfinished) == ("按期进入校准", 3), "the reason as written, the count apart"

    html = hr.get(page).content.decode()
    assert "the 3 unfinished appraisals end as not completed" in _text(html), "the confirmation names the consequence"
    assert hr.post(page, {"action": "close"}).status_code == 409
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.CALIBRATION
    assert hr.post(page, {"action": "close", "force": "1", "reason": "截止日已过"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    states = dict(Appraisal.objects.filter(cycle=cycle).values_list("employee__name", "state"))
    assert states == {"代表丙": "calibrated", "代表丁": "not_completed", "经理乙": "not_completed",
                      "总监甲": "not_completed"}  # fmt: skip
    html = hr.get(page).content.decode()
    assert "3 appraisals ended as not completed" in _text(html)


def test_a_finished_cycle_moves_on_without_forcing(team, hr):
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    for appraisal in Appraisal.objects.filter(cycle=cycle).select_related("employee"):
        _run(appraisal)
    page = reverse("cycle-page", args=[cycle.pk])
    assert 'id="all-reviewed"' in hr.get(page).content.decode()
    assert hr.post(page, {"action": "start_calibration"}).status_code == 302
    assert hr.post(page, {"action": "close"}).status_code == 302
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.CLOSED


# --- opening, editing, deleting ----------------------------------------------------------------------


def test_opening_shows_a_preview_and_opens_only_when_confirmed(team, hr):
    response = hr.post(reverse("cycles-page"), {
        "name": "2026-Q3", "period_start": "2026-07-01", "period_end": "2026-09-30", "self_deadline": "2026-10-10",
        "review_deadline": "2026-10-20", "scope": "",
    })  # fmt: skip
    assert response.status_code == 302
    cycle = AppraisalCycle.objects.get(name="2026-Q3")
    page = reverse("cycle-page", args=[cycle.pk])
    response = hr.post(page, {"action": "open"})
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert 'id="open-preview"' in html and "Opening creates 4 appraisals, for the 6 people in scope." in text
    assert "品牌戊 " in text and "the position has no active KPI set" in text
    assert "待岗己" in text and "holds no position" in text
    by_hr = html[html.index('id="preview-by-hr"') :]
    assert "总监甲" in by_hr[: by_hr.index("</ul>")]
    assert 'id="confirm-open"' in html
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.DRAFT
    assert not Appraisal.objects.filter(cycle=cycle).exists()

    assert hr.post(page, {"action": "open", "confirm": "1"}).status_code == 302
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.OPEN
    assert Appraisal.objects.filter(cycle=cycle).count() == 4


def test_a_draft_is_edited_and_deleted_from_the_list(team, hr):
    cycle = make_cycle(name="2026-Q4", start="2026-10-01")
    page = reverse("cycle-page", args=[cycle.pk])
    html = hr.get(reverse("cycles-page")).content.decode()
    assert f"{page}#edit-cycle" in html and 'value="delete"' in html
    director = team["people"]["director"]
    response = hr.post(page, {
        "action": "edit", "revision": cycle.revision, "name": "2026-Q4 销售", "period_start": "2026-10-01",
        "period_end": "2026-12-31", "self_deadline": "2027-01-08", "review_deadline": "2027-01-18",
        "scope": team["units"]["sales"].pk, "top_reviewer": director.employee_no, "appeal_deadline": "2027-02-28",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    cycle.refresh_from_db()
    assert (cycle.name, cycle.scope, cycle.top_reviewer, cycle.appeal_deadline) == (
        "2026-Q4 销售", team["units"]["sales"], director, datetime.date(2027, 2, 28),
    )  # fmt: skip

    response = hr.post(page, {"action": "edit", "revision": cycle.revision, "name": "2026-Q4 销售",
                              "top_reviewer": "NOBODY-1", "review_deadline": "2026-01-01"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nobody has the employee number NOBODY-1." in html
    assert 'name="top_reviewer" value="NOBODY-1"' in html, "what was typed is kept"

    stale = cycle.revision - 1
    assert hr.post(page, {"action": "delete", "revision": stale}).status_code == 409
    response = hr.post(page, {"action": "delete", "revision": cycle.revision})
    assert response.status_code == 302 and response["Location"] == reverse("cycles-page")
    assert not AppraisalCycle.objects.filter(pk=cycle.pk).exists()


def test_an_open_cycle_keeps_its_scope_and_cannot_be_deleted(quarter, hr):
    cycle, page = quarter["cycle"], quarter["page"]
    html = hr.get(page).content.decode()
    assert 'name="self_deadline"' in html and 'name="period_start"' not in html and 'name="scope"' not in html
    response = hr.post(page, {"action": "edit", "name": cycle.name, "self_deadline": "2026-10-12",
                              "review_deadline": "2026-10-25", "period_start": "2020-01-01"})  # fmt: skip
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.self_deadline == datetime.date(2026, 10, 12) and cycle.period_start == datetime.date(2026, 7, 1)
    assert hr.post(page, {"action": "delete"}).status_code == 409
    assert AppraisalCycle.objects.filter(pk=cycle.pk).exists()


def test_an_overlapping_period_is_refused_beside_period_start(team, hr):
    make_cycle(name="2026-Q3", start="2026-07-01")
    response = hr.post(reverse("cycles-page"), {
        "name": "2026-Q3b", "period_start": "2026-08-01", "period_end": "2026-10-31", "self_deadline": "2026-11-05",
        "review_deadline": "2026-11-15", "scope": "",
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="error-period_start">The period overlaps 2026-Q3', html)
    assert 'name="period_start" value="2026-08-01" aria-invalid="true"' in html
    assert not AppraisalCycle.objects.filter(name="2026-Q3b").exists()


def test_a_closed_cycle_can_still_move_its_appeal_deadline(quarter, hr):
    cycle = _closed(quarter)
    page = quarter["page"]
    html = hr.get(page).content.decode()
    assert 'name="appeal_deadline"' in html and 'name="name"' not in html
    assert hr.post(page, {"action": "edit", "appeal_deadline": "2027-03-31"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.appeal_deadline == datetime.date(2027, 3, 31)


def test_results_are_released_to_employees_before_the_close(quarter, hr):
    cycle, page = quarter["cycle"], quarter["page"]
    assert 'id="release-results"' in hr.get(page).content.decode()
    assert hr.post(page, {"action": "release"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.results_released is not None
    html = hr.get(page).content.decode()
    assert 'id="released"' in html and 'id="release-results"' not in html


def test_reopening_keeps_its_reason_and_says_who_acknowledges_again(quarter, hr):
    cycle, page = _closed(quarter), quarter["page"]
    response = hr.post(page, {"action": "reopen", "reason": " "})
    assert response.status_code == 400 and "Say why the cycle is reopened" in response.content.decode()
    assert hr.post(page, {"action": "reopen", "reason": "补录销售额"}).status_code == 302
    html = hr.get(page).content.decode()
    notice = _text(html[html.index('id="reopened"') :])
    assert "补录销售额" in notice and "acknowledges the result again" in notice
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == CycleState.CALIBRATION


def test_an_objection_is_listed_until_hr_answers_it(quarter, hr):
    cycle = _closed(quarter)
    rep1 = _appraisal(cycle, quarter["people"]["rep1"])
    rep1 = appraisal_acknowledge(appraisal=rep1, objection="我认为销售额统计有误。")
    for url in (quarter["page"], reverse("cycle-results", args=[cycle.pk])):
        html = hr.get(url).content.decode()
        assert 'id="objections"' in html and "我认为销售额统计有误。" in html, url
    response = hr.post(quarter["page"], {"action": "resolve_objection", "appraisal": rep1.pk, "resolution": ""})
    assert response.status_code == 400
    answer = "已核对系统数据,销售额无误。"
    response = hr.post(quarter["page"], {"action": "resolve_objection", "appraisal": rep1.pk, "resolution": answer})
    assert response.status_code == 302
    rep1.refresh_from_db()
    assert rep1.objection_resolution == answer and rep1.objection_resolved is not None
    assert 'id="objections"' not in hr.get(quarter["page"]).content.decode()
    row = _text(hr.get(reverse("cycle-results", args=[cycle.pk])).content.decode())
    assert "我认为销售额统计有误。" in row and answer in row, "the results keep the objection with its answer"


# --- results ----------------------------------------------------------------------------------------


def test_results_count_only_submitted_reviews(quarter, hr):
    cycle, people = quarter["cycle"], quarter["people"]
    draft = _appraisal(cycle, people["rep2"])
    assert draft.final_score is not None and draft.reviewed is None, "a manager's draft has a score but no result"
    rows = {row["name"]: row for row in cycle_results(cycle)}
    assert rows["代表丁"]["final_score"] is None and rows["代表丁"]["band"] == "" and rows["代表丁"]["state"] == (
        "manager_review"
    )  # fmt: skip
    assert rows["代表丁"]["bonus_coefficient"] is None and rows["代表丁"]["merit_increase"] is None
    assert rows["代表丙"]["final_score"] is not None and rows["代表丙"]["band"]
    assert all(row["provisional"] for row in rows.values())
    distribution = cycle_distribution(cycle)
    assert distribution["total"]["total"] == 1 and distribution["charted"] == 1 and distribution["appraisals"] == 4

    html = hr.get(reverse("cycle-results", args=[cycle.pk])).content.decode()
    row = re.search(rf'<tr data-person="{people["rep2"].employee_no}".*?</tr>', html, re.S).group(0)
    assert "manager review" in row and str(draft.final_score) not in row
    assert 'id="provisional"' in html and "provisional" in _text(html)


def test_results_list_not_completed_and_filter_and_sort(quarter, hr):
    cycle = _closed(quarter)
    people = quarter["people"]
    rep1 = _appraisal(cycle, people["rep1"])
    appraisal_acknowledge(appraisal=rep1, objection="有异议")
    appeal_file(appraisal=Appraisal.objects.get(pk=rep1.pk), grounds="销售额统计口径不对")
    url = reverse("cycle-results", args=[cycle.pk])
    html = hr.get(url).content.decode()
    assert 'id="provisional"' not in html, "closed: no longer provisional"
    assert html.count('data-stage="not_completed"') == 3 and "not completed" in html

    def shown(**query):
        page = hr.get(url, query).content.decode()
        return re.findall(r'<tr data-person="([^"]+)"', page)

    assert len(shown(state="not_completed")) == 3
    assert shown(objection="open") == [people["rep1"].employee_no]
    assert shown(objection="no") and people["rep1"].employee_no not in shown(objection="no")
    assert shown(appeal="open") == [people["rep1"].employee_no]
    assert len(shown(appeal="none")) == 3
    assert shown(band=rep1.band) == [people["rep1"].employee_no]
    sales = people["rep1"].position.department
    in_sales = {people[key].employee_no for key in ("rep1", "rep2", "manager")}
    assert set(shown(unit=sales.pk)) == in_sales
    assert set(shown(unit=sales.parent_id)) == in_sales | {people["director"].employee_no}, "the units below count"
    by_score = shown(sort="-final_score")
    assert by_score[0] == people["rep1"].employee_no, "the one with a score first, the rest after"
    by_name = shown(sort="name")
    names = dict(Appraisal.objects.filter(cycle=cycle).values_list("employee__employee_no", "employee__name"))
    assert [names[no] for no in by_name] == sorted(names.values())
    assert [names[no] for no in shown(sort="-name")] == sorted(names.values(), reverse=True)
    states = shown(sort="state")
    assert states[0] == people["rep1"].employee_no, "acknowledged comes before not completed"
    row = re.search(rf'<tr data-person="{people["rep1"].employee_no}".*?</tr>', hr.get(url).content.decode(), re.S)
    assert "有异议" in row.group(0) and "not yet answered" in row.group(0) and "Open" in row.group(0)


# --- calibration ------------------------------------------------------------------------------------


def test_calibration_says_how_many_are_charted_and_labels_figures_provisional(quarter, hr):
    html = hr.get(reverse("cycle-calibration", args=[quarter["cycle"].pk])).content.decode()
    text = _text(html)
    assert "1 of 4 charted. 3 not yet reviewed: 2 waiting for the self-assessment, 1 for the manager." in text
    assert 'id="provisional"' in html and "provisional" in text
    assert "代表丁" not in html, "a draft review is not charted"


@pytest.fixture
def calibrating(quarter):
    """Both representatives reviewed, the cycle in calibration (the other two unfinished)."""
    cycle, people = quarter["cycle"], quarter["people"]
    rep2 = _appraisal(cycle, people["rep2"])
    appraisal_update(appraisal=rep2, role="manager", fields={"feedback_date": datetime.date(2026, 10, 15)},
                     lines=[])  # fmt: skip
    from appraisal.services import appraisal_submit_review

    appraisal_submit_review(appraisal=rep2)
    cycle_start_calibration(cycle=cycle, force=True, reason="按期进入校准")
    return {**quarter, "url": reverse("cycle-calibration", args=[cycle.pk]),
            "rep1": _appraisal(cycle, people["rep1"]), "rep2": _appraisal(cycle, people["rep2"])}  # fmt: skip


def test_calibration_shows_both_sides_scores_and_comments(calibrating, hr):
    html = hr.get(calibrating["url"]).content.decode()
    number = calibrating["people"]["rep2"].employee_no
    row = re.search(rf'<tr data-person="{number}".*?</tr>\s*</tbody>', html, re.S).group(0)
    assert "L4→L3" in row, "the level the employee gave and the manager's, per rated line"
    assert "90→90" in row and "100→100" in row, "the actuals per quantitative line"
    assert "专业能力" in row
    assert "2 of 4 charted. 2 not yet reviewed: 2 waiting for the self-assessment, 0 for the manager." in _text(html)


def test_moving_several_people_keeps_the_reason_for_hr_and_the_note_for_the_employee(calibrating, hr):
    rep1, rep2, url = calibrating["rep1"], calibrating["rep2"], calibrating["url"]
    chosen = {"appraisal": [rep1.pk, rep2.pk], f"revision-{rep1.pk}": rep1.revision,
              f"revision-{rep2.pk}": rep2.revision, "band": "B", "note": "结合跨部门评价调整。"}  # fmt: skip
    response = hr.post(url, {**chosen, "action": "move", "reason": ""})
    assert response.status_code == 400
    assert re.search(r'id="error-reason">Say why the band is moved', response.content.decode())
    assert 'value="结合跨部门评价调整。"' in response.content.decode(), "the note typed is kept"
    assert not Appraisal.objects.filter(pk__in=[rep1.pk, rep2.pk], band="B").exists(), "nothing moved"

    response = hr.post(url, {**chosen, "action": "move", "reason": "S比例超出指导线,经校准会讨论"})
    assert response.status_code == 302
    for appraisal in (rep1, rep2):
        appraisal.refresh_from_db()
        assert (appraisal.band, appraisal.band_reason, appraisal.band_note) == (
            "B", "S比例超出指导线,经校准会讨论", "结合跨部门评价调整。",
        )  # fmt: skip
    html = hr.get(url).content.decode()
    assert "S比例超出指导线,经校准会讨论" in html and "结合跨部门评价调整。" in html
    reader = {row["name"]: row for row in cycle_results(calibrating["cycle"], role="reader")}
    assert reader["代表丙"]["band_reason"] is None and reader["代表丙"]["band_note"] == "结合跨部门评价调整。"

    stale = hr.post(url, {**chosen, "action": "move", "band": "C", "reason": "再调"})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    assert Appraisal.objects.get(pk=rep1.pk).band == "B"


def test_hr_sends_named_reviews_back_for_rescoring(calibrating, hr):
    rep1, url = calibrating["rep1"], calibrating["url"]
    response = hr.post(url, {"appraisal": [rep1.pk], "action": "return", "return_reason": ""})
    assert response.status_code == 400 and 'id="error-return_reason"' in response.content.decode()
    response = hr.post(url, {"appraisal": [rep1.pk], "action": "return", "return_reason": "销售额需按新口径重评"})
    assert response.status_code == 302
    rep1.refresh_from_db()
    assert (rep1.reviewed, rep1.state) == (None, AppraisalState.MANAGER_REVIEW)
    assert rep1.returned_reason == "销售额需按新口径重评"
    assert hr.post(url, {"appraisal": ["999999"], "action": "return", "return_reason": "x"}).status_code == 404


def test_the_chart_marks_units_over_the_guideline(calibrating, hr):
    html = hr.get(calibrating["url"]).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    sales = re.search(r'<g class="bar over" data-unit="销售部">.*?</g>', svg, re.S)
    assert sales, "销售部 has only S and A: over the guideline"
    assert 'class="over-outline"' in sales.group(0) and "over the S" in sales.group(0)


# --- exports ----------------------------------------------------------------------------------------


def _download(hr, cycle, fmt):
    response = hr.get(reverse("cycle-results-export", args=[cycle.pk, fmt]))
    assert response.status_code == 200
    return response


def test_the_workbook_has_labels_number_formats_and_a_frozen_filtered_header(quarter, hr):
    cycle = _closed(quarter)
    rep1 = _appraisal(cycle, quarter["people"]["rep1"])
    appraisal_acknowledge(appraisal=rep1, objection="有异议")
    workbook = load_workbook(io.BytesIO(_download(hr, cycle, "xlsx").content))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    header = [cell.value for cell in sheet[1]]
    assert {"状态 State", "异议 Objection", "异议答复 Answer to the objection", "申诉状态 Appeal",
            "申诉结果 Appeal outcome", "申诉决定 Appeal decision"} <= set(header)  # fmt: skip
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    mine = rows["代表丙"]

    def cell(row, label):
        return row[header.index(label)]

    assert cell(mine, "状态 State").value == "acknowledged"
    assert cell(rows["总监甲"], "状态 State").value == "not completed"
    assert cell(mine, "总分 Final score").number_format == "0.0" and cell(mine, "业绩 Results").number_format == "0.00"
    merit = cell(mine, "调薪建议% Merit increase %")
    assert merit.number_format == "0.00%" and merit.value == pytest.approx(float(rep1.merit_increase / 100))
    acknowledged = cell(mine, "确认时间 Acknowledged")
    assert isinstance(acknowledged.value, datetime.datetime) and acknowledged.number_format == "yyyy-mm-dd hh:mm"
    assert cell(rows["总监甲"], "总分 Final score").value is None
    assert sheet.column_dimensions["B"].width >= 8 and sheet.column_dimensions["S"].width > 10

    table = list(csv.reader(io.StringIO(_download(hr, cycle, "csv").content.decode("utf-8-sig"))))
    assert table[0] == header
    csv_rows = {row[1]: row for row in table[1:]}
    assert csv_rows["代表丙"][header.index("调薪建议% Merit increase %")] == f"{rep1.merit_increase:.2f}%"
    assert csv_rows["代表丙"][header.index("总分 Final score")] == f"{rep1.final_score:.1f}"
    assert csv_rows["代表丙"][header.index("状态 State")] == "acknowledged"
    assert csv_rows["总监甲"][header.index("总分 Final score")] == ""


def test_a_cycle_named_with_a_slash_and_quotes_downloads(team, hr):
    cycle = make_cycle(name='2027/Q2 "试点"', start="2027-04-01")
    cycle_open(cycle=cycle)
    for fmt in ("xlsx", "csv"):
        response = _download(hr, cycle, fmt)
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and "/" not in disposition.split(";", 1)[1], disposition
    load_workbook(io.BytesIO(_download(hr, cycle, "xlsx").content))
    plain = make_cycle(name="2027/Q3", start="2027-07-01")
    assert 'filename="results-2027-Q3.xlsx"' in _download(hr, plain, "xlsx")["Content-Disposition"]


# --- appeals ----------------------------------------------------------------------------------------


@pytest.fixture
def appealed(quarter, django_user_model):
    """The cycle closed with both representatives' results; both appealed. Logins for the manager and a colleague."""
    cycle, people = quarter["cycle"], quarter["people"]
    rep2 = _appraisal(cycle, people["rep2"])
    appraisal_update(appraisal=rep2, role="manager", fields={"feedback_date": datetime.date(2026, 10, 15)}, lines=[])
    from appraisal.services import appraisal_submit_review

    appraisal_submit_review(appraisal=rep2)
    cycle = _closed(quarter)
    manager = login_for("manager_login", employee=people["manager"])
    colleague = login_for("brand_login", employee=people["brand"])
    appeals = {key: appeal_file(appraisal=_appraisal(cycle, people[key]), grounds=f"{key} 的申诉理由") for key in
               ("rep1", "rep2")}  # fmt: skip
    return {**quarter, "cycle": cycle, "appeals": appeals, "manager": manager, "colleague": colleague}


def test_the_appeals_list_is_hrs_and_each_deciders_own(appealed, hr):
    rep1, rep2 = appealed["appeals"]["rep1"], appealed["appeals"]["rep2"]
    html = hr.get(reverse("appeals-page")).content.decode()
    assert f'data-appeal="{rep1.pk}"' in html and f'data-appeal="{rep2.pk}"' in html
    assert reverse("appeal-page", args=[rep1.pk]) in html
    colleague = Client()
    colleague.force_login(appealed["colleague"])
    assert colleague.get(reverse("appeals-page")).status_code == 403
    assert colleague.get(reverse("appeal-page", args=[rep1.pk])).status_code == 404

    page = reverse("appeal-page", args=[rep1.pk])
    response = hr.post(page, {"action": "assign", "decider": appealed["manager"].pk, "due": ""})
    assert response.status_code == 400
    assert "The manager who scored the appraisal cannot decide its appeal." in response.content.decode()
    assert f'value="{appealed["manager"].pk}"' not in hr.get(page).content.decode(), "the manager is not offered"
    assert Appeal.objects.get(pk=rep1.pk).decider is None

    from django.contrib.auth.models import Group

    appealed["colleague"].groups.add(Group.objects.get_or_create(name="Department manager")[0])
    due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = hr.post(page, {"action": "assign", "decider": appealed["colleague"].pk, "due": due,
                              "revision": Appeal.objects.get(pk=rep1.pk).revision})  # fmt: skip
    assert response.status_code == 302
    assert (Appeal.objects.get(pk=rep1.pk).decider, Appeal.objects.get(pk=rep1.pk).due.isoformat()) == (
        appealed["colleague"], due,
    )  # fmt: skip
    html = colleague.get(reverse("appeals-page")).content.decode()
    assert f'data-appeal="{rep1.pk}"' in html and f'data-appeal="{rep2.pk}"' not in html
    assert colleague.get(reverse("appeal-page", args=[rep2.pk])).status_code == 404
    page_html = colleague.get(page).content.decode()
    assert 'id="decide-form"' in page_html and 'id="assign"' not in page_html
    assert "rep1 的申诉理由" in page_html


def test_an_appeal_is_decided_changed_or_rejected_through_the_page(appealed, hr):
    rep1, rep2 = appealed["appeals"]["rep1"], appealed["appeals"]["rep2"]
    page = reverse("appeal-page", args=[rep1.pk])
    response = hr.post(page, {"action": "decide", "outcome": "changed", "decision": "", "band": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-decision"' in html and 'id="error-band"' in html
    assert Appeal.objects.get(pk=rep1.pk).state == "open"

    appraisal = Appraisal.objects.get(pk=rep1.appraisal_id)
    skill = appraisal.lines.get(indicator__code="SKILL")
    response = hr.post(page, {"action": "decide", "outcome": "changed", "decision": "复核后专业能力评为5级。",
                              f"line-{skill.pk}-manager_score": "9"})  # fmt: skip
    assert response.status_code == 400 and "is not on its scale" in response.content.decode()
    response = hr.post(page, {"action": "decide", "outcome": "changed", "decision": "复核后专业能力评为5级。",
                              f"line-{skill.pk}-manager_score": "5"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    appeal = Appeal.objects.get(pk=rep1.pk)
    assert (appeal.state, appeal.outcome, appeal.decision) == ("decided", "changed", "复核后专业能力评为5级。")
    skill.refresh_from_db()
    appraisal.refresh_from_db()
    assert skill.manager_score == 5 and appraisal.final_score == appeal.score_after
    assert 'id="decision"' in hr.get(page).content.decode()

    other = reverse("appeal-page", args=[rep2.pk])
    before = Appraisal.objects.get(pk=rep2.appraisal_id)
    response = hr.post(other, {"action": "decide", "outcome": "rejected", "decision": "申诉超出结果范围,不予受理。",
                               "band": "S"})  # fmt: skip
    assert response.status_code == 302
    appeal = Appeal.objects.get(pk=rep2.pk)
    assert (appeal.state, appeal.outcome) == ("decided", "rejected")
    after = Appraisal.objects.get(pk=rep2.appraisal_id)
    assert (after.band, after.final_score) == (before.band, before.final_score), "a rejected appeal changes nothing"

    results = hr.get(reverse("cycle-results", args=[appealed["cycle"].pk])).content.decode()
    assert "Result changed" in results and "Appeal rejected" in results
    overview = hr.get(reverse("appeals-page"), {"state": "decided"}).content.decode()
    assert 'id="appeals-decided"' in overview and f'data-appeal="{rep2.pk}"' in overview
