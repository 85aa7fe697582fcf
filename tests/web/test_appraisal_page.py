"""The page of one appraisal, for the employee, the manager, HR and a stranger, through the quarter.

The team (tests/appraisal/conftest.py): 总监甲 at the top (HR reviews them) over 经理乙, who
reviews 代表丙 (rep) and 代表丁 (rep2); 品牌戊 has no appraisal.
"""

import datetime
import json
import re
from collections import defaultdict
from decimal import Decimal as D
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal import visibility
from appraisal.models import Appraisal, AppraisalCycle
from appraisal.services import (
    appeal_decide,
    appeal_file,
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    appraisals_return,
    cycle_close,
    cycle_open,
    cycle_reopen,
    cycle_start_calibration,
)
from tests.appraisal.conftest import library, make_cycle, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

MARKED = {
    "self_comment", "manager_comment", "feedback_date", "feedback_notes", "results_score", "ability_score",
    "attitude_score", "final_score", "computed_band", "band", "band_reason", "band_note", "bonus_coefficient",
    "merit_increase", "acknowledged", "objection", "objection_resolution", "returned_reason", "result_change_reason",
}  # fmt: skip
LINE_MARKED = {"self_actual", "manager_actual", "actual", "self_score", "manager_score", "self_comment", "comment",
               "score"}  # fmt: skip


class Markers(HTMLParser):
    """The data-field markers of a page, and the data-line-field markers of each line row."""

    def __init__(self, html):
        super().__init__()
        self.fields, self.lines, self.line = set(), defaultdict(set), None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-line-id" in attrs:
            self.line = int(attrs["data-line-id"])
        if "data-field" in attrs:
            self.fields.add(attrs["data-field"])
        if "data-line-field" in attrs:
            self.lines[self.line].add(attrs["data-line-field"])


def _user(django_user_model, person, username):
    from positions.services import employee_update

    user = django_user_model.objects.create_user(username, password="pw-123456789")
    employee_update(employee=person, user=user)
    return user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def quarter(team, django_user_model, hr_user):  # noqa: F811 (the imported fixture)
    cycle = make_cycle()
    cycle_open(cycle=cycle)
    people = team["people"]
    users = {name: _user(django_user_model, people[key], name) for name, key in [
        ("rep", "rep1"), ("rep2", "rep2"), ("manager", "manager"), ("director", "director"), ("brand", "brand"),
    ]}  # fmt: skip
    users["hr"] = hr_user
    return SimpleNamespace(
        cycle=cycle, people=people, users=users, client={name: _client(user) for name, user in users.items()}
    )


def appraisal_of(q, key="rep1"):
    return Appraisal.objects.select_related("cycle").get(cycle=q.cycle, employee=q.people[key])


def url(appraisal, name="appraisal-page"):
    return reverse(name, args=[appraisal.pk])


def lines_of(appraisal):
    return {line.indicator.code: line for line in appraisal.lines.select_related("indicator")}


def answers(appraisal, score_field, *, sales="100", budget="100", level="4"):
    lines = lines_of(appraisal)
    return {
        f"line-{lines['SALES'].pk}-actual": sales, f"line-{lines['BUDGET'].pk}-actual": budget,
        f"line-{lines['SKILL'].pk}-{score_field}": level, f"line-{lines['DUTY'].pk}-{score_field}": level,
    }  # fmt: skip


def self_assess(appraisal, *, sales=D(108), comment=""):
    lines = lines_of(appraisal)
    appraisal = appraisal_update(appraisal=appraisal, role="employee", fields={"self_comment": comment}, lines=[
        {"id": lines["SALES"].pk, "actual": sales, "self_comment": "自评说明"},
        {"id": lines["BUDGET"].pk, "actual": D(92)},
        {"id": lines["SKILL"].pk, "self_score": 5}, {"id": lines["DUTY"].pk, "self_score": 5},
    ])  # fmt: skip
    return appraisal_submit_self(appraisal=appraisal)


def review(appraisal, role="manager", *, sales=None):
    lines = lines_of(appraisal)
    values = [{"id": lines["SKILL"].pk, "manager_score": 4}, {"id": lines["DUTY"].pk, "manager_score": 5}]
    if sales is not None:
        values.append({"id": lines["SALES"].pk, "actual": sales})
    appraisal = appraisal_update(appraisal=appraisal, role=role, lines=values, fields={
        "feedback_date": datetime.date(2026, 10, 15), "feedback_notes": "面谈记录", "manager_comment": "上级总评",
    })  # fmt: skip
    return appraisal_submit_review(appraisal=appraisal)


def finish_all(q):
    for key in ("rep1", "rep2", "manager"):
        review(self_assess(appraisal_of(q, key)))
    review(self_assess(appraisal_of(q, "director")), role="hr")


def close(q, *, force=False):
    if AppraisalCycle.objects.get(pk=q.cycle.pk).state == "open":
        cycle_start_calibration(cycle=q.cycle, force=force, reason="按期" if force else "")
    cycle_close(
        cycle=AppraisalCycle.objects.get(pk=q.cycle.pk), force=force, reason="按制度记为未完成" if force else ""
    )


def text_of(html):
    """The page's text, tags removed and entities read, spaces collapsed."""
    import html as entities

    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", "", html)))


def markers(client, appraisal):
    response = client.get(url(appraisal))
    assert response.status_code == 200
    return Markers(response.content.decode())


def expected(role, appraisal):
    appraisal = Appraisal.objects.select_related("cycle").get(pk=appraisal.pk)
    fields, line_fields = visibility.readable(role, visibility.Facts.of(appraisal))
    return fields & MARKED, line_fields & LINE_MARKED


def assert_page_follows_policy(client, role, appraisal):
    page = markers(client, appraisal)
    fields, line_fields = expected(role, appraisal)
    assert page.fields == fields, (role, appraisal.state, page.fields ^ fields)
    line_ids = set(appraisal.lines.values_list("pk", flat=True))
    assert set(page.lines) == line_ids
    for line_id, shown in page.lines.items():
        assert shown == line_fields, (role, appraisal.state, line_id, shown ^ line_fields)


# --- the policy, field by field --------------------------------------------------------------


def test_every_field_shown_is_marked_and_hidden_ones_are_absent_in_every_step(quarter):
    q = quarter
    rep = appraisal_of(q)
    who = {"employee": q.client["rep"], "reviewer": q.client["manager"], "hr": q.client["hr"]}

    def check():
        for role, client in who.items():
            assert_page_follows_policy(client, role, rep)

    check()  # the self-assessment, nothing typed
    lines = lines_of(rep)
    appraisal_update(appraisal=rep, role="employee", fields={"self_comment": "草稿总结"},
                     lines=[{"id": lines["SALES"].pk, "actual": D("123.5")}])  # fmt: skip
    check()
    manager_page = q.client["manager"].get(url(rep)).content.decode()
    assert "123.5" not in manager_page and "草稿总结" not in manager_page, "a draft is the employee's own"
    self_assess(appraisal_of(q))
    check()
    review(appraisal_of(q), sales=D(110))
    check()
    for key in ("rep2", "manager"):
        review(self_assess(appraisal_of(q, key)))
    review(self_assess(appraisal_of(q, "director")), role="hr")
    cycle_start_calibration(cycle=q.cycle)
    appraisal_calibrate(appraisal=appraisal_of(q), band="B", reason="内部理由:部门比例超标", note="给员工的说明")
    check()
    cycle_close(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk))
    check()
    appraisal_acknowledge(appraisal=appraisal_of(q), objection="我不同意")
    check()


def test_the_employee_reads_the_note_and_never_hr_s_reason(quarter):
    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    appraisal_calibrate(
        appraisal=appraisal_of(q), band="B", reason="内部理由:经理评价偏高", note="本部门S/A比例超出指导线"
    )
    employee = q.client["rep"].get(url(appraisal_of(q))).content.decode()
    assert "本部门S/A比例超出指导线" not in employee and 'id="result"' not in employee, "not before the cycle closes"
    cycle_close(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk))
    employee = q.client["rep"].get(url(appraisal_of(q))).content.decode()
    assert "本部门S/A比例超出指导线" in employee and "内部理由" not in employee
    assert 'id="final-band" data-field="band">B<' in employee
    hr = q.client["hr"].get(url(appraisal_of(q))).content.decode()
    assert "内部理由:经理评价偏高" in hr and "本部门S/A比例超出指导线" in hr
    manager = q.client["manager"].get(url(appraisal_of(q))).content.decode()
    assert "内部理由" not in manager, "the calibration reason is HR's alone"


# --- who entered what, numbers as entered ---------------------------------------------------


def test_both_actuals_are_shown_where_they_differ_and_numbers_as_entered(quarter):
    q = quarter
    rep = appraisal_of(q)
    page = url(rep)
    data = {**answers(rep, "self_score", sales="112.5"), "revision": rep.revision, "action": "submit"}
    assert q.client["rep"].post(page, data).status_code == 302
    rep = appraisal_of(q)
    sales = lines_of(rep)["SALES"]
    assert sales.self_actual == D("112.5")
    manager_page = q.client["manager"].get(page).content.decode()
    assert f'name="line-{sales.pk}-actual" value="112.5"' in manager_page
    data = {**answers(rep, "manager_score", sales="110"), "feedback_date": "2026-10-15", "revision": rep.revision,
            "action": "save"}  # fmt: skip
    assert q.client["manager"].post(page, data).status_code == 302
    for client in (q.client["manager"], q.client["hr"]):
        html = client.get(page).content.decode()
        assert re.search(
            r'Employee: <span data-line-field="self_actual">112.5</span> · '
            r'Manager: <span data-line-field="manager_actual">110</span>',
            html,
        )
        assert "112.5000" not in html and "110.0000" not in html
    employee = q.client["rep"].get(page).content.decode()
    assert "Manager: " not in employee and ">110<" not in employee, "the manager's value waits for the result"
    history = text_of(q.client["hr"].get(page).content.decode().split('id="history"')[1])
    assert "销售目标达成率 · the manager's actual: — → 110 · manager" in history
    assert "销售目标达成率 · the employee's actual: — → 112.5 · rep" in history


def test_the_employee_still_sees_their_own_comments_after_submitting(quarter):
    q = quarter
    self_assess(appraisal_of(q), comment="本季度完成了区域目标。")
    html = q.client["rep"].get(url(appraisal_of(q))).content.decode()
    assert 'id="appraisal-form"' not in html
    assert '<span data-field="self_comment">本季度完成了区域目标。</span>' in html
    assert '<span data-line-field="self_comment">自评说明</span>' in html


# --- several errors at once, beside their fields; the banner clears --------------------------


def test_several_errors_on_one_save_are_all_shown_beside_their_fields(quarter):
    q = quarter
    rep = appraisal_of(q)
    lines = lines_of(rep)
    sales, budget, skill, duty = (lines[code].pk for code in ("SALES", "BUDGET", "SKILL", "DUTY"))
    data = {
        f"line-{sales}-actual": "12abc", f"line-{budget}-actual": "-5", f"line-{skill}-self_score": "9",
        f"line-{duty}-self_score": "", "self_comment": "总结", "revision": rep.revision, "action": "submit",
    }  # fmt: skip
    response = q.client["rep"].post(url(rep), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<span id="err-{sales}-actual" class="field-error">Enter a number.</span>' in html
    assert re.search(rf'id="err-{budget}-actual" class="field-error">[^<]*cannot be below 0', html)
    assert re.search(rf'id="err-{skill}-self_score" class="field-error">[^<]*not on its scale', html)
    assert re.search(rf'id="err-{duty}-self_score" class="field-error">Choose a level for 责任心', html)
    assert html.count('role="alert" id="form-errors"') == 1 and "Nothing was saved" in html
    assert 'value="12abc"' in html and 'value="-5"' in html and 'value="9"' in html, "kept as typed"
    rep = appraisal_of(q)
    assert rep.state == "self_assessment" and rep.self_comment == "" and not rep.lines.filter(self_actual__isnull=False)

    # The live preview keeps the errors of what is still as refused and drops the fixed ones.
    refused = re.search(r'name="refused" value="([^"]*)"', html).group(1)
    refused = json.loads(refused.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))
    assert set(refused) == {f"line-{sales}-actual", f"line-{budget}-actual", f"line-{skill}-self_score",
                            f"line-{duty}-self_score"}  # fmt: skip
    preview_url = url(rep, "appraisal-preview")
    fixed = {**data, f"line-{sales}-actual": "100", f"line-{budget}-actual": "90", f"line-{skill}-self_score": "4",
             "refused": json.dumps(refused)}  # fmt: skip
    preview = q.client["rep"].post(preview_url, fixed).content.decode()
    assert f'<span id="err-{sales}-actual" class="field-error" hx-swap-oob="true"></span>' in preview
    assert f'<span id="err-{skill}-self_score" class="field-error" hx-swap-oob="true"></span>' in preview
    assert re.search(rf'id="err-{duty}-self_score" class="field-error" hx-swap-oob="true">Choose a level', preview)
    assert re.search(r'id="form-errors" hx-swap-oob="true">\s*<p>Some values cannot be saved', preview)
    preview = q.client["rep"].post(preview_url, {**fixed, f"line-{duty}-self_score": "3"}).content.decode()
    assert 'id="form-errors" hx-swap-oob="true" hidden></div>' in preview, "the banner clears once all is fixed"
    assert "field-error" in preview and 'hx-swap-oob="true">Choose' not in preview


def test_the_manager_s_missing_feedback_date_and_lines_are_named_together(quarter):
    q = quarter
    self_assess(appraisal_of(q))
    rep = appraisal_of(q)
    skill = lines_of(rep)["SKILL"].pk
    response = q.client["manager"].post(url(rep), {f"line-{skill}-manager_score": "abc", "feedback_date": "",
                                                   "revision": rep.revision, "action": "submit"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="err-{skill}-manager_score" class="field-error">Enter a whole number on the scale.' in html
    assert 'id="err-feedback_date" class="field-error">Record the date of the feedback conversation.' in html
    assert "Choose a level for 责任心" in html
    assert appraisal_of(q).reviewed is None


# --- recall, the reviewer HR, sending back --------------------------------------------------


def test_a_manager_recalls_a_submitted_review_until_the_employee_acknowledges(quarter):
    q = quarter
    review(self_assess(appraisal_of(q)))
    rep = appraisal_of(q)
    html = q.client["manager"].get(url(rep)).content.decode()
    assert 'id="recall-review"' in html and 'id="appraisal-form"' not in html
    assert 'id="recall-review"' not in q.client["rep"].get(url(rep)).content.decode()
    response = q.client["rep"].post(url(rep), {"action": "recall", "revision": rep.revision})
    assert response.status_code == 403
    response = q.client["manager"].post(url(rep), {"action": "recall", "revision": rep.revision})
    assert response.status_code == 302
    rep = appraisal_of(q)
    assert rep.reviewed is None and rep.events.filter(action="recalled").exists()
    html = q.client["manager"].get(url(rep)).content.decode()
    assert 'id="appraisal-form"' in html and "review recalled by the manager · manager" in text_of(html)
    appraisal_submit_review(appraisal=rep)
    for key in ("rep2", "manager"):
        review(self_assess(appraisal_of(q, key)))
    review(self_assess(appraisal_of(q, "director")), role="hr")
    close(q)
    rep = appraisal_of(q)
    assert 'id="recall-review"' not in q.client["manager"].get(url(rep)).content.decode(), "closed"
    appraisal_acknowledge(appraisal=rep)
    assert q.client["manager"].post(url(rep), {"action": "recall"}).status_code == 409


def test_hr_reviews_the_top_of_the_tree_with_the_manager_s_form(quarter):
    q = quarter
    director = appraisal_of(q, "director")
    assert director.reviewer is None
    hr = q.client["hr"]
    html = hr.get(url(director)).content.decode()
    assert '<span id="reviewer">HR</span>' in html and 'id="appraisal-form"' not in html, "the employee's turn"
    self_assess(director)
    director = appraisal_of(q, "director")
    html = hr.get(url(director)).content.decode()
    assert 'id="appraisal-form"' in html and "-manager_score" in html and 'id="feedback"' in html
    assert not re.search(r'name="line-\d+-self_score"', html), "the manager's form, not the employee's"
    listing = hr.get(reverse("appraisals-page")).content.decode()
    assert f'id="hr-reviews-{q.cycle.pk}"' in listing and f'data-employee="{director.employee.employee_no}"' in listing
    data = {**answers(director, "manager_score"), "feedback_date": "2026-10-20", "revision": director.revision,
            "action": "submit"}  # fmt: skip
    response = hr.post(url(director), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    director = appraisal_of(q, "director")
    assert director.reviewed is not None and lines_of(director)["SKILL"].manager_score == 4
    assert 'id="recall-review"' in hr.get(url(director)).content.decode()
    # Other people's appraisals are not HR's to score on this page.
    self_assess(appraisal_of(q))
    assert 'id="appraisal-form"' not in hr.get(url(appraisal_of(q))).content.decode()


def test_a_review_hr_sent_back_tells_the_manager_why(quarter):
    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    appraisals_return(appraisals=[appraisal_of(q)], reason="请复核销售额", user=q.users["hr"])
    html = q.client["manager"].get(url(appraisal_of(q))).content.decode()
    assert '<span data-field="returned_reason">请复核销售额</span>' in html and 'id="appraisal-form"' in html
    assert "sent back to the manager for rescoring · hr · 请复核销售额" in text_of(html)
    assert "请复核销售额" not in q.client["rep"].get(url(appraisal_of(q))).content.decode()


# --- the result: provisional, not completed, changed ----------------------------------------


def test_results_before_the_close_are_provisional(quarter):
    q = quarter
    finish_all(q)
    html = q.client["manager"].get(url(appraisal_of(q))).content.decode()
    assert 'id="result"' in html and 'id="provisional"' in html and "Provisional" in html
    assert 'id="result"' not in q.client["rep"].get(url(appraisal_of(q))).content.decode()
    close(q)
    for client in (q.client["manager"], q.client["rep"], q.client["hr"]):
        html = client.get(url(appraisal_of(q))).content.decode()
        assert 'id="result"' in html and 'id="provisional"' not in html


def test_a_review_not_submitted_before_the_close_is_not_completed(quarter):
    q = quarter
    for key in ("rep1", "manager"):
        review(self_assess(appraisal_of(q, key)))
    self_assess(appraisal_of(q, "rep2"))  # the manager never submits this one
    close(q, force=True)
    left = appraisal_of(q, "rep2")
    assert left.state == "not_completed"
    employee = _client(q.users["rep2"]).get(url(left)).content.decode()
    assert "Not completed: the review was not submitted before the cycle closed." in employee
    assert 'id="result"' not in employee and 'id="appeal-form"' not in employee and 'id="acknowledge"' not in employee
    hr = q.client["hr"].get(url(left)).content.decode()
    assert 'id="not-completed"' in hr and '<strong data-field="final_score">—</strong>' in hr
    assert "not completed at close · 按制度记为未完成" in text_of(hr)
    listing = _client(q.users["rep2"]).get(reverse("appraisals-page")).content.decode()
    assert "state-not_completed" in listing and ">not completed<" in listing


def test_a_changed_result_tells_the_employee_why_and_asks_again(quarter):
    q = quarter
    finish_all(q)
    close(q)
    appraisal_acknowledge(appraisal=appraisal_of(q))
    cycle_reopen(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk), reason="复核后下调等级", user=q.users["hr"])
    appraisal_calibrate(appraisal=appraisal_of(q), band="C", reason="内部:复核", note="")
    cycle_close(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk), user=q.users["hr"])
    rep = appraisal_of(q)
    assert rep.state == "calibrated" and rep.result_change_reason == "复核后下调等级"
    html = q.client["rep"].get(url(rep)).content.decode()
    assert 'id="result-changed"' in html and '<span data-field="result_change_reason">复核后下调等级</span>' in html
    assert "Acknowledge your changed result" in html and "内部:复核" not in html
    assert "result changed · Band: S → C · 复核后下调等级" in text_of(html)
    home = q.client["rep"].get(reverse("home")).content.decode()
    assert "Your result changed: read why and acknowledge it again" in home
    response = q.client["rep"].post(url(rep), {"action": "acknowledge", "revision": rep.revision})
    assert response.status_code == 302 and appraisal_of(q).state == "acknowledged"
    assert 'data-waits="acknowledgement"' not in q.client["rep"].get(reverse("home")).content.decode()


# --- objection -----------------------------------------------------------------------------


def test_an_objection_stays_until_hr_answers_it_and_the_employee_reads_the_answer(quarter):
    q = quarter
    finish_all(q)
    close(q)
    rep = appraisal_of(q)
    home = q.client["rep"].get(reverse("home")).content.decode()
    assert "Your result waits for your acknowledgement" in home
    response = q.client["rep"].post(url(rep), {"action": "acknowledge", "objection": "销售额未计入大客户回款",
                                               "revision": rep.revision})  # fmt: skip
    assert response.status_code == 302
    rep = appraisal_of(q)
    for client in (q.client["rep"], q.client["hr"]):
        html = client.get(url(rep)).content.decode()
        assert '<span data-field="objection">销售额未计入大客户回款</span>' in html and "waiting for HR" in html
    home = q.client["hr"].get(reverse("home")).content.decode()
    assert 'id="open-objections"' in home and "销售额未计入大客户回款" in home and url(rep) in home
    assert 'id="resolve-objection"' in q.client["hr"].get(url(rep)).content.decode()
    assert 'id="resolve-objection"' not in q.client["rep"].get(url(rep)).content.decode()
    response = q.client["hr"].post(url(rep), {"action": "resolve_objection", "resolution": "  "})
    assert response.status_code == 400
    assert "Write what was done about the objection" in response.content.decode()
    assert q.client["rep"].post(url(rep), {"action": "resolve_objection", "resolution": "x"}).status_code == 403
    response = q.client["hr"].post(url(rep), {"action": "resolve_objection", "resolution": "已复核,补计回款后维持等级"})
    assert response.status_code == 302
    html = q.client["rep"].get(url(rep)).content.decode()
    assert '<span data-field="objection_resolution">已复核,补计回款后维持等级</span>' in html
    assert '<span data-field="objection">销售额未计入大客户回款</span>' in html and "waiting for HR" not in html
    assert "销售额未计入大客户回款" not in q.client["hr"].get(reverse("home")).content.decode()


# --- appeal --------------------------------------------------------------------------------


def test_an_appeal_is_filed_until_the_deadline_and_its_decision_is_shown(quarter):
    q = quarter
    finish_all(q)
    rep = appraisal_of(q)
    assert 'id="appeal-form"' not in q.client["rep"].get(url(rep)).content.decode(), "not before the close"
    close(q)
    rep = appraisal_of(q)
    html = q.client["rep"].get(url(rep)).content.decode()
    assert 'id="appeal-form"' in html and "Appeal this result" in html
    assert rep.cycle.appeal_deadline.isoformat() in html
    response = q.client["rep"].post(url(rep), {"action": "appeal", "grounds": " "})
    assert response.status_code == 400 and "Write the grounds of the appeal" in response.content.decode()
    assert q.client["manager"].post(url(rep), {"action": "appeal", "grounds": "x"}).status_code == 403
    response = q.client["rep"].post(url(rep), {"action": "appeal", "grounds": "大客户回款未计入本季度"})
    assert response.status_code == 302
    appeal = appraisal_of(q).appeal
    html = q.client["rep"].get(url(rep)).content.decode()
    assert 'id="appeal-form"' not in html and "大客户回款未计入本季度" in html
    assert f'id="appeal-due">{appeal.due.isoformat()}<' in html and 'id="appeal-link"' not in html
    hr = q.client["hr"].get(url(rep)).content.decode()
    assert f'href="{reverse("appeal-page", args=[appeal.pk])}"' in hr
    manager = q.client["manager"].get(url(rep)).content.decode()
    assert 'id="appeal-state"' in manager and "大客户回款未计入本季度" not in manager, (
        "the grounds are not the manager's"
    )
    home = q.client["hr"].get(reverse("home")).content.decode()
    assert 'id="open-appeals"' in home and reverse("appeal-page", args=[appeal.pk]) in home
    appeal_decide(appeal=appeal, outcome="changed", band="A", decision="补计回款后调整为A", user=q.users["hr"])
    html = q.client["rep"].get(url(rep)).content.decode()
    assert 'id="appeal-decision">补计回款后调整为A<' in html and "Result changed" in html
    assert "appeal decided · Band: S → A · 补计回款后调整为A" in text_of(html)
    home = q.client["rep"].get(reverse("home")).content.decode()
    assert "Your appeal was decided: Result changed" in home
    listing = q.client["rep"].get(reverse("appraisals-page")).content.decode()
    assert "appeal decided: Result changed" in listing


def test_after_the_deadline_the_appeal_form_is_replaced(quarter):
    q = quarter
    finish_all(q)
    close(q)
    AppraisalCycle.objects.filter(pk=q.cycle.pk).update(
        appeal_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    rep = appraisal_of(q)
    html = q.client["rep"].get(url(rep)).content.decode()
    assert 'id="appeal-form"' not in html
    assert f"The appeal deadline was {rep.cycle.appeal_deadline.isoformat()}." in html
    response = q.client["rep"].post(url(rep), {"action": "appeal", "grounds": "太晚了"})
    assert response.status_code == 409 and "has passed" in response.content.decode()
    assert not hasattr(appraisal_of(q), "appeal")


def test_a_rejected_appeal_shows_the_written_decision(quarter):
    q = quarter
    finish_all(q)
    close(q)
    appeal = appeal_file(appraisal=appraisal_of(q), grounds="理由", user=q.users["rep"])
    appeal_decide(appeal=appeal, outcome="rejected", decision="申诉与结果无关,不予受理", user=q.users["hr"])
    html = q.client["rep"].get(url(appraisal_of(q))).content.decode()
    assert "Appeal rejected" in html and "申诉与结果无关,不予受理" in html


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_is_for_those_who_may_see_the_appraisal(quarter):
    q = quarter
    finish_all(q)
    rep = appraisal_of(q)
    pdf = url(rep, "appraisal-pdf")
    assert f'href="{pdf}"' in q.client["rep"].get(url(rep)).content.decode()
    for name in ("rep", "manager", "hr"):
        response = q.client[name].get(pdf)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", name
        assert response.content.startswith(b"%PDF")
    assert "appraisal-2026-Q3-" in response["Content-Disposition"]
    assert rep.employee.employee_no in response["Content-Disposition"]
    assert q.client["brand"].get(pdf).status_code == 404
    assert q.client["rep2"].get(pdf).status_code == 404
    zh = _client(q.users["rep"])
    zh.cookies["django_language"] = "zh-hans"
    assert zh.get(pdf).status_code == 200


def test_what_the_pdf_holds_follows_the_policy(quarter):
    from appraisal.views.appraisals import pdf_data

    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    appraisal_calibrate(appraisal=appraisal_of(q), band="B", reason="内部理由", note="给员工的说明")
    rep = appraisal_of(q)
    lines = list(rep.lines.all())
    before_close = pdf_data(rep, "employee", lines)
    assert not before_close["dimensions"] and all(row["score"] == "" for row in before_close["lines"])
    cycle_close(cycle=AppraisalCycle.objects.get(pk=q.cycle.pk))
    rep = appraisal_of(q)
    employee = pdf_data(rep, "employee", lines)
    texts = json.dumps(employee, ensure_ascii=False, default=str)
    assert "给员工的说明" in texts and "内部理由" not in texts and employee["dimensions"]
    assert "内部理由" in json.dumps(pdf_data(rep, "hr", lines), ensure_ascii=False, default=str)


# --- the list and home -----------------------------------------------------------------------


def test_the_list_shows_labels_and_no_band_before_the_close(quarter):
    q = quarter
    finish_all(q)
    cycle_start_calibration(cycle=q.cycle)
    listing = q.client["rep"].get(reverse("appraisals-page")).content.decode()
    assert ">review submitted</span>" in listing, "the stage, in the words every page uses"
    row = re.search(r'<tr data-appraisal="\d+">.*?</tr>', listing, re.S).group(0)
    assert row.endswith('<td data-col="band">—</td></tr>'), "no band before the close"
    reviews = q.client["manager"].get(reverse("appraisals-page")).content.decode()
    assert ">review submitted</span>" in reviews
    close(q)
    listing = q.client["rep"].get(reverse("appraisals-page")).content.decode()
    assert '<span class="band" data-band="S">S</span></td>' in listing


def test_the_live_preview_only_swaps_what_each_form_has(quarter):
    """The employee's, the manager's and HR's (at the top) forms: every out-of-band part has its place on the page."""
    q = quarter
    self_assess(appraisal_of(q, "director"))
    rep = appraisal_of(q)
    cases = [(q.client["rep"], rep, "self_score"), (q.client["hr"], appraisal_of(q, "director"), "manager_score")]
    for client, appraisal, field in cases + [(q.client["manager"], None, "manager_score")]:
        if appraisal is None:
            self_assess(appraisal_of(q))
            appraisal = appraisal_of(q)
        page = client.get(url(appraisal)).content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        preview = client.post(
            url(appraisal, "appraisal-preview"), answers(appraisal, field, level="9")
        ).content.decode()
        swapped = re.findall(r'<[^>]*\bid="([^"]+)"[^>]*hx-swap-oob', preview)
        assert swapped and set(swapped) <= ids, field
        assert "form-errors" in swapped and "not on its scale" in preview
