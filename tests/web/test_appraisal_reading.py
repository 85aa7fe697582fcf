"""What people read of an appraisal is the same wherever they read it: one set of stage names, one format per
number, a released result marked provisional everywhere, names rather than logins, and Chinese that says
what the English says.

The team (tests/appraisal/conftest.py): 总监甲 at the top (HR reviews them) over 经理乙, who reviews 代表丙
(rep) and 代表丁 (rep2); 品牌戊 has no appraisal.
"""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from appraisal.models import AppraisalCycle, CycleEvent
from appraisal.services import (
    appeal_file,
    appraisal_acknowledge,
    appraisal_recall,
    appraisal_update,
    appraisals_return,
    cycle_release_results,
    cycle_reopen,
    cycle_start_calibration,
)
from appraisal.views.appraisals import pdf_data
from orgdesign.access import HR_ADMIN
from tests.appraisal.conftest import make_cycle
from tests.web.test_appraisal_page import (  # noqa: F401 (fixtures)
    appraisal_of,
    close,
    finish_all,
    library,
    lines_of,
    quarter,
    review,
    self_assess,
    team,
    text_of,
    url,
)

pytestmark = pytest.mark.django_db

APPRAISALS = reverse("appraisals-page")


def zh(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def row_of(html, number):
    return re.search(rf'<tr data-(?:person|employee)="{number}".*?</tr>', html, re.S).group(0)


# --- 1. a forced step: the reason as written, the count in the reader's language --------------------


def test_a_forced_step_keeps_the_reason_as_written_and_counts_in_the_readers_language(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    cycle = AppraisalCycle.objects.get(pk=q.cycle.pk)
    appraisal_recall(appraisal=appraisal_of(q, "rep2"))  # one review back with its manager: unfinished
    cycle_start_calibration(cycle=cycle, force=True, reason="季度会议已定")
    event = CycleEvent.objects.get(cycle=cycle, action="force_calibration")
    assert (event.reason, event.unfinished) == ("季度会议已定", 1)

    page = reverse("cycle-page", args=[cycle.pk])
    english = text_of(q.client["hr"].get(page).content.decode())
    assert "季度会议已定 (1 unfinished)" in english
    chinese = text_of(zh(q.users["hr"]).get(page).content.decode())
    assert "季度会议已定 （1 份未完成）" in chinese and "unfinished" not in chinese


def test_reasons_written_before_give_up_their_count_to_the_field():
    """The migration: "… (n unfinished)" and "…(n 份未完成)" endings become the number; other reasons stay."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("appraisal.migrations.0010_cycleevent_unfinished")
    cycle = make_cycle()
    made = {
        reason: CycleEvent.objects.create(cycle=cycle, action=action, reason=reason)
        for action, reason in [
            ("force_calibration", "Board meeting fixed (11 unfinished)"),
            ("force_close", "按期关闭(3 份未完成)"),
            ("reopen", "Wrong figures (2 unfinished)"),  # not a forced step: left alone
        ]
    }
    migration.count_apart(apps, None)
    after = {reason: CycleEvent.objects.get(pk=event.pk) for reason, event in made.items()}
    assert [(e.reason, e.unfinished) for e in after.values()] == [
        ("Board meeting fixed", 11), ("按期关闭", 3), ("Wrong figures (2 unfinished)", None),
    ]  # fmt: skip


# --- 2. the same English words with two meanings -----------------------------------------------------


def test_the_results_tab_and_the_review_submitted_stage_are_not_the_results_dimension_or_a_field(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    chinese = zh(q.users["hr"])
    cycle_page = chinese.get(reverse("cycle-page", args=[q.cycle.pk])).content.decode()
    assert re.search(r'id="to-results"[^>]*>结果</a>', cycle_page), "the results page, not 业绩"
    results = chinese.get(reverse("cycle-results", args=[q.cycle.pk])).content.decode()
    assert '<option value="reviewed">已提交评分</option>' in results
    assert "评分提交时间" not in results, "that is the label of the moment, not a stage"
    appraisal = chinese.get(url(appraisal_of(q))).content.decode()
    assert "<dt>业绩</dt>" in appraisal, "the dimension keeps its word"


# --- 4. a result released before the close -----------------------------------------------------------


def test_a_released_result_shows_its_band_marked_provisional_wherever_the_employee_reads_it(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    cycle_release_results(cycle=q.cycle)
    rep = appraisal_of(q)
    assert (rep.band, rep.computed_band, rep.bonus_coefficient) == ("", "S", None), "nothing frozen before the close"
    employee = q.client["rep"]

    listing = employee.get(APPRAISALS).content.decode()
    band = re.search(r'<td data-col="band">(.*?)</td>', listing, re.S).group(1)
    assert 'data-band="S">S</span>' in band and "provisional" in band

    home = employee.get(reverse("home")).content.decode()
    mine = re.search(rf'<li data-appraisal="{rep.pk}">.*?</li>', home, re.S).group(0)
    assert 'data-band="S">S</span>' in mine and "provisional" in mine

    page = employee.get(url(rep)).content.decode()
    assert 'id="final-band" data-field="band">S<' in page and 'id="provisional"' in page
    assert '<span data-field="bonus_coefficient">2.00</span>' in page
    assert '<span data-field="merit_increase">10.00%</span>' in page

    facts = dict(pdf_data(rep, "employee", list(rep.lines.all()))["facts"])
    assert facts["Band"] == "S (provisional)" and facts["Bonus coefficient"] == "2.00"
    assert facts["Merit increase"] == "10.00%" and "provisional" in facts["State"]

    close(q)
    listing = employee.get(APPRAISALS).content.decode()
    assert "provisional" not in re.search(r'<td data-col="band">(.*?)</td>', listing, re.S).group(1)


# --- 5 and 6. the manager's list: sent back, drafts, one set of stage names -------------------------


def test_the_managers_list_says_hr_sent_a_review_back_and_marks_the_score_a_draft(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    rep = appraisal_of(q)
    before = q.client["manager"].get(APPRAISALS).content.decode()
    assert "sent back by HR" not in before
    appraisals_return(appraisals=[rep], reason="销售额需按新口径重评")
    row = row_of(q.client["manager"].get(APPRAISALS).content.decode(), q.people["rep1"].employee_no)
    assert "sent back by HR" in row and "销售额需按新口径重评" in row
    assert f"{url(rep)}#returned" in row, "the reason links to the appraisal"
    assert ">manager review</span>" in row and "draft" in text_of(row), "no longer a result"
    assert "sent back by HR" not in q.client["rep"].get(APPRAISALS).content.decode(), "HR's reason is the manager's"


def test_one_set_of_stage_names_on_lists_the_page_the_results_the_pdf_and_the_export(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    self_assess(appraisal_of(q))
    review(appraisal_of(q))
    rep = appraisal_of(q)
    number = q.people["rep1"].employee_no
    said = ">review submitted</span>"
    assert said in row_of(q.client["manager"].get(APPRAISALS).content.decode(), number)
    assert said in q.client["rep"].get(APPRAISALS).content.decode()
    assert re.search(r'id="appraisal-state">review submitted</span>', q.client["hr"].get(url(rep)).content.decode())
    assert said in row_of(q.client["hr"].get(reverse("cycle-results", args=[q.cycle.pk])).content.decode(), number)
    assert dict(pdf_data(rep, "hr", list(rep.lines.all()))["facts"])["State"].startswith("review submitted")
    export = q.client["hr"].get(reverse("cycle-results-export", args=[q.cycle.pk, "csv"])).content.decode("utf-8-sig")
    rows = {row["工号 Employee no."]: row for row in csv.DictReader(io.StringIO(export))}
    assert rows[number]["状态 State"] == "review submitted"
    progress = q.client["hr"].get(reverse("cycle-page", args=[q.cycle.pk])).content.decode()
    progress = progress[progress.index('id="progress"') :]
    assert "Review submitted" in progress and "Self-assessed" not in progress, "the progress table too"


def test_a_draft_review_shows_its_score_only_to_its_reviewer_and_hr_and_says_it_is_a_draft(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    rep2 = self_assess(appraisal_of(q, "rep2"))
    lines = lines_of(rep2)
    appraisal_update(appraisal=rep2, role="manager", lines=[
        {"id": lines["SKILL"].pk, "manager_score": 3}, {"id": lines["DUTY"].pk, "manager_score": 3},
    ])  # fmt: skip
    rep2 = appraisal_of(q, "rep2")
    assert rep2.final_score is not None and rep2.reviewed is None
    number = q.people["rep2"].employee_no
    row = row_of(q.client["manager"].get(APPRAISALS).content.decode(), number)
    assert ">manager review</span>" in row
    assert re.search(r'data-col="score">\d+\.\d <span class="muted small"[^>]*>draft</span>', row)
    results = row_of(q.client["hr"].get(reverse("cycle-results", args=[q.cycle.pk])).content.decode(), number)
    assert '<td class="num" data-col="final_score">—</td>' in results, "a draft is no result"
    employee = Client()
    employee.force_login(q.users["rep2"])
    assert str(rep2.final_score) not in employee.get(APPRAISALS).content.decode()


# --- 10. one format for each quantity ------------------------------------------------------------------


def test_each_result_figure_has_one_format_on_every_page(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    close(q)
    rep = appraisal_of(q)
    assert (rep.final_score, rep.bonus_coefficient, rep.merit_increase) == (100, 2, 10)
    for client in (q.client["rep"], q.client["manager"], q.client["hr"]):
        page = client.get(url(rep)).content.decode()
        assert '<strong data-field="final_score">100.0</strong>' in page
        assert '<span data-field="bonus_coefficient">2.00</span>' in page
        assert '<span data-field="merit_increase">10.00%</span>' in page
        assert '<span data-field="ability_score">90.00</span>' in page
    team_row = row_of(q.client["manager"].get(APPRAISALS).content.decode(), q.people["rep1"].employee_no)
    assert 'data-col="score">100.0' in team_row
    results = row_of(q.client["hr"].get(reverse("cycle-results", args=[q.cycle.pk])).content.decode(),
                     q.people["rep1"].employee_no)  # fmt: skip
    assert 'data-col="final_score">100.0<' in results
    assert 'data-col="bonus_coefficient">2.00<' in results and 'data-col="merit_increase">10.00%<' in results
    calibration = q.client["hr"].get(reverse("cycle-calibration", args=[q.cycle.pk])).content.decode()
    assert '<td class="num">100.0</td>' in calibration
    facts = dict(pdf_data(rep, "employee", list(rep.lines.all()))["facts"])
    assert (facts["Final score"], facts["Bonus coefficient"], facts["Merit increase"]) == ("100.0", "2.00", "10.00%")


# --- 11. deciders by name ------------------------------------------------------------------------------


def test_an_appeal_names_who_decides_by_the_persons_name(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    close(q)
    appeal = appeal_file(appraisal=appraisal_of(q), grounds="统计口径不对")
    decider = q.users["brand"]  # 品牌戊, with the login "brand"
    decider.groups.add(Group.objects.get_or_create(name=HR_ADMIN)[0])
    page = reverse("appeal-page", args=[appeal.pk])
    html = q.client["hr"].get(page).content.decode()
    assert re.search(rf'<option value="{decider.pk}"[^>]*>品牌戊</option>', html), "the dropdown names people"
    response = q.client["hr"].post(page, {"action": "assign", "decider": decider.pk, "due": appeal.due.isoformat(),
                                          "revision": appeal.revision})  # fmt: skip
    assert response.status_code == 302
    assert re.search(r'<dd id="decider">品牌戊</dd>', q.client["hr"].get(page).content.decode())
    listing = q.client["hr"].get(reverse("appeals-page")).content.decode()
    assert '<td data-col="decider">品牌戊</td>' in listing and ">brand<" not in listing


# --- 12. the small ones --------------------------------------------------------------------------------


def test_home_counts_one_unit_in_the_singular(quarter):  # noqa: F811 (the imported fixtures)
    home = quarter.client["rep"].get(reverse("home")).content.decode()
    count = int(re.search(r'data-count="units">(\d+)<', home).group(1))
    word = re.search(r'data-count="units">\d+</span><span>([^<]+)<', home).group(1)
    assert word == ("unit" if count == 1 else "units")


def test_a_step_says_where_the_cycle_now_is_in_a_sentence(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    page = reverse("cycle-page", args=[q.cycle.pk])
    response = q.client["hr"].post(page, {"action": "start_calibration"}, follow=True)
    assert "2026-Q3 is now in calibration." in text_of(response.content.decode())
    response = q.client["hr"].post(page, {"action": "close"}, follow=True)
    assert "2026-Q3 is now closed." in text_of(response.content.decode())


def test_the_appeal_deadline_shows_only_while_the_cycle_is_closed(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    close(q)
    page = reverse("cycle-page", args=[q.cycle.pk])
    assert 'id="appeals-until"' in q.client["hr"].get(page).content.decode()
    cycle_reopen(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk), reason="数据有误")
    assert 'id="appeals-until"' not in q.client["hr"].get(page).content.decode()


def test_the_unit_filter_of_a_cycle_of_one_unit_offers_that_unit_only(team, hr_user):  # noqa: F811 (the imported fixtures)  # noqa: F811
    other = make_cycle(name="2026-Q4 销售部", scope=team["units"]["sales"], start="2026-10-01")
    from appraisal.services import cycle_open

    cycle_open(cycle=other)
    client = Client()
    client.force_login(hr_user)
    html = client.get(reverse("cycle-results", args=[other.pk])).content.decode()
    options = re.findall(
        r'<option value="(\d+)"[^>]*>[^<]*</option>', html.split('name="unit"')[1].split("</select>")[0]
    )
    assert options == [str(team["units"]["sales"].pk)], "not 营销总部 above it, nor 市场部 beside it"


def test_calibration_names_each_line_beside_its_two_values(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    html = q.client["hr"].get(reverse("cycle-calibration", args=[q.cycle.pk])).content.decode()
    summary = re.search(rf'<tr data-person="{q.people["rep1"].employee_no}".*?<summary>(.*?)</summary>', html, re.S)
    text = text_of(summary.group(1))
    assert "销售目标达成率 108→108" in text and "专业能力 L5→L4" in text


def test_the_chinese_appeal_summary_is_one_sentence_with_chinese_punctuation(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    close(q)
    rep = appraisal_of(q)
    appraisal_acknowledge(appraisal=rep)
    appeal = appeal_file(appraisal=appraisal_of(q), grounds="统计口径不对")
    page = reverse("appeal-page", args=[appeal.pk])
    assert q.client["hr"].post(page, {"action": "decide", "outcome": "changed", "decision": "改为A。", "band": "A",
                                      "revision": appeal.revision}).status_code == 302  # fmt: skip
    change = re.search(r'<span id="appeal-change">(.*?)</span>', zh(q.users["hr"]).get(page).content.decode())
    assert change.group(1) == "等级 S → A，总分 100.0 → 100.0。"
