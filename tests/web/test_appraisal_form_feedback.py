"""Forms of the appraisal pages answer the form that was sent, beside the field concerned, in words that say
what to do; the live preview updates every score it shows.
"""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from appraisal.models import AppraisalCycle
from appraisal.services import appeal_file, cycle_open
from tests.appraisal.conftest import make_cycle
from tests.web.test_appraisal_page import (  # noqa: F401 (fixtures)
    appraisal_of,
    close,
    finish_all,
    library,
    lines_of,
    quarter,
    self_assess,
    team,
    text_of,
    url,
)

pytestmark = pytest.mark.django_db


def cell(html, name):
    """The cell of the cycle form that holds the field `name`, with its errors."""
    return re.search(rf'<div class="field" data-field-of="{name}">.*?</div>', html, re.S).group(0)


# --- 3. the cycle form -----------------------------------------------------------------------------------


def test_an_empty_new_cycle_says_what_to_enter_under_each_field(team, hr_client):  # noqa: F811 (the imported fixtures)
    empty = dict.fromkeys(["name", "period_start", "period_end", "self_deadline", "review_deadline"], "")
    response = hr_client.post(reverse("cycles-page"), empty)
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be null" not in html and "cannot be blank" not in html
    assert "Enter the cycle&#x27;s name, for example 2026-Q4." in cell(html, "name")
    assert "Enter the first day of the period." in cell(html, "period_start")
    assert "Enter the last day of the period." in cell(html, "period_end")
    assert "Enter the last day for the self-assessments." in cell(html, "self_deadline")
    assert "Enter the last day for the managers&#x27; reviews." in cell(html, "review_deadline")
    assert 'class="field-error"' not in cell(html, "scope")
    zh = Client()
    zh.force_login(response.wsgi_request.user)
    zh.cookies["django_language"] = "zh-hans"
    chinese = zh.post(reverse("cycles-page"), {"period_start": ""}).content.decode()
    assert "请输入考核期的第一天。" in cell(chinese, "period_start") and "null" not in chinese


def test_an_error_about_two_dates_sits_under_the_date_it_names_in_its_own_cell(team, hr_client):  # noqa: F811 (the imported fixtures)
    response = hr_client.post(reverse("cycles-page"), {
        "name": "2026-Q4", "period_start": "2026-12-31", "period_end": "2026-10-01", "self_deadline": "2027-01-20",
        "review_deadline": "2027-01-10",
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "The period cannot end before it starts." in cell(html, "period_end")
    assert "The period cannot end before it starts." not in cell(html, "period_start")
    assert "cannot come before the self-assessment deadline" in cell(html, "review_deadline")
    assert "field-error" not in cell(html, "self_deadline")
    grid = re.search(r'<div class="row-fields">(.*)</div>\s*<p class="muted small">', html, re.S).group(1)
    outside = re.sub(r'<div class="field" data-field-of="\w+">.*?</div>', "", grid, flags=re.S)
    assert "field-error" not in outside, "no error is a cell of the grid by itself: the layout keeps its columns"


def test_renaming_a_cycle_says_its_new_name(team, hr_client):  # noqa: F811 (the imported fixtures)
    cycle = make_cycle()
    renamed = {"action": "edit", "name": "2026-Q3 sales", "revision": cycle.revision}
    response = hr_client.post(reverse("cycle-page", args=[cycle.pk]), renamed, follow=True)
    assert "2026-Q3 sales saved." in text_of(response.content.decode())


# --- 7. the appeal page: errors belong to the form sent ----------------------------------------------------


def test_a_failed_assignment_is_answered_in_the_assign_box_only(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    finish_all(q)
    close(q)
    appeal = appeal_file(appraisal=appraisal_of(q), grounds="统计口径不对")
    page = reverse("appeal-page", args=[appeal.pk])
    response = q.client["hr"].post(page, {"action": "assign", "decider": "", "due": "31.12.2026"})
    assert response.status_code == 400
    html = response.content.decode()
    assign = html[html.index('id="assign"') : html.index('id="decide"')]
    decide = html[html.index('id="decide"') :]
    assert 'id="error-due"' in assign and "Enter a date as YYYY-MM-DD." in assign
    assert "Nothing was decided" not in decide and "field-error" not in decide

    response = q.client["hr"].post(page, {"action": "decide", "outcome": "upheld", "decision": "", "due": "x"})
    html = response.content.decode()
    assign = html[html.index('id="assign"') : html.index('id="decide"')]
    decide = html[html.index('id="decide"') :]
    assert "Nothing was decided" in decide and 'id="error-decision"' in decide
    assert "field-error" not in assign and 'id="assign-errors"' not in assign
    assert f'value="{appeal.due.isoformat()}"' in assign, "the assign box shows what is saved"


# --- 9. the live preview -----------------------------------------------------------------------------------


def test_the_preview_updates_the_line_scores_as_the_manager_types(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    rep = self_assess(appraisal_of(q))
    sales = lines_of(rep)["SALES"]
    assert sales.score == D("108.00")
    page = q.client["manager"].get(url(rep)).content.decode()
    assert f'<span data-line-field="score" id="line-score-{sales.pk}">108.00</span>' in page
    preview = q.client["manager"].post(url(rep, "appraisal-preview"), {f"line-{sales.pk}-actual": "95.5"})
    html = preview.content.decode()
    assert f'<span data-line-field="score" id="line-score-{sales.pk}" hx-swap-oob="true">95.50</span>' in html
    refused = q.client["manager"].post(url(rep, "appraisal-preview"), {f"line-{sales.pk}-actual": "-3"})
    assert f'id="line-score-{sales.pk}" hx-swap-oob="true">108.00</span>' in refused.content.decode(), (
        "a value refused leaves the saved one's score"
    )


def test_the_employees_preview_swaps_no_line_score_it_does_not_show(quarter):  # noqa: F811 (the imported fixtures)
    q = quarter
    rep = appraisal_of(q)
    sales = lines_of(rep)["SALES"]
    assert 'id="line-score-' not in q.client["rep"].get(url(rep)).content.decode()
    html = q.client["rep"].post(url(rep, "appraisal-preview"), {f"line-{sales.pk}-actual": "95"}).content.decode()
    assert 'id="line-score-' not in html and 'data-score="final"' in html


# --- 8. the PDF's reviewer is the page's ---------------------------------------------------------------------


def test_the_pdf_names_the_reviewer_with_the_pages_word(quarter):  # noqa: F811 (the imported fixtures)
    from appraisal.views.appraisals import pdf_data

    q = quarter
    rep = appraisal_of(q)
    zh = Client()
    zh.force_login(q.users["rep"])
    zh.cookies["django_language"] = "zh-hans"
    page = zh.get(url(rep)).content.decode()
    assert re.search(r"考核人: <span id=\"reviewer\">经理乙</span>", page)
    from django.utils import translation

    with translation.override("zh-hans"):
        subtitle = pdf_data(rep, "employee", list(rep.lines.all()))["subtitle"]
    assert "考核人：经理乙" in subtitle and "评审人" not in subtitle and "审核人" not in subtitle


def test_a_cycle_opened_today_lists_its_draft_in_the_manager_review_stage(team, hr_client):  # noqa: F811 (the imported fixtures)
    """The progress table counts each appraisal in its stage, the same stages the results filter offers."""
    cycle = make_cycle(start=(datetime.date.today() - datetime.timedelta(days=30)).isoformat())
    cycle_open(cycle=cycle)
    html = hr_client.get(reverse("cycle-page", args=[cycle.pk])).content.decode()
    heads = re.findall(r'<th class="num">([^<]+)</th>', html[html.index('id="progress"') :])
    assert heads[:6] == ["Self-assessment", "Manager review", "Review submitted", "Result given", "Acknowledged",
                         "Not completed"]  # fmt: skip
    assert AppraisalCycle.objects.get(pk=cycle.pk).state == "open"
