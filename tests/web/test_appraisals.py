"""A quarter through the appraisal pages: HR opens it, the employee self-assesses, the manager scores,
HR calibrates and closes, the employee acknowledges; and what each of them may not do."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import Appraisal, AppraisalCycle
from tests.web.conftest import holder, login_for

pytestmark = pytest.mark.django_db

# The whole organisation is in these cycles and only a few people finish: HR goes ahead anyway, with a reason.
FORCED_CALIBRATION = {"action": "start_calibration", "force": "1", "reason": "其余人员按期进入校准"}
FORCED_CLOSE = {"action": "close", "force": "1", "reason": "截止日已过,未完成者按未完成处理"}


@pytest.fixture
def quarter(people, client_for):
    """2026-Q4 created and opened through the cycle pages; logins for a sales rep and their manager."""
    login_for("rep_q4", employee=holder("销售代表"))
    login_for("manager_q4", employee=holder("区域销售经理"))
    hr = client_for("hr")
    response = hr.post(reverse("cycles-page"), {
        "name": "2026-Q4", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "self_deadline": "2027-01-10", "review_deadline": "2027-01-20", "scope": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = AppraisalCycle.objects.get(name="2026-Q4")
    assert hr.post(reverse("cycle-page", args=[cycle.pk]), {"action": "open", "confirm": "1"}).status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == "open"
    appraisal = Appraisal.objects.get(cycle=cycle, employee=holder("销售代表"))
    return {"cycle": cycle, "appraisal": appraisal, "hr": hr}


def signed_in(name):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    return client


def line_values(appraisal, field):
    """A full set of answers: actuals at target, levels at the top of their scale."""
    data = {}
    for line in appraisal.lines.all():
        if line.kind == "quantitative":
            data[f"line-{line.pk}-actual"] = str(line.target)
        else:
            data[f"line-{line.pk}-{field}"] = str(max(int(level["level"]) for level in line.levels))
    return data


def test_a_whole_quarter_through_the_pages(quarter):
    appraisal, cycle, hr = quarter["appraisal"], quarter["cycle"], quarter["hr"]
    rep, manager = signed_in("rep_q4"), signed_in("manager_q4")
    page = reverse("appraisal-page", args=[appraisal.pk])

    assert "2026-Q4" in rep.get(reverse("appraisals-page")).content.decode()
    html = rep.get(page).content.decode()
    assert 'id="appraisal-form"' in html and "-self_score" in html and "-manager_score" not in html

    data = {
        **line_values(appraisal, "self_score"),
        "self_comment": "本季度完成了区域目标。",
        "revision": appraisal.revision,
    }
    assert rep.post(page, {**data, "action": "save"}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.self_comment == "本季度完成了区域目标。" and appraisal.state == "self_assessment"
    assert rep.post(page, {**data, "revision": appraisal.revision, "action": "submit"}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.state == "manager_review"

    team = manager.get(reverse("appraisals-page")).content.decode()
    assert f'data-employee="{appraisal.employee.employee_no}"' in team
    html = manager.get(page).content.decode()
    assert "-manager_score" in html and 'id="feedback"' in html
    data = {**line_values(appraisal, "manager_score"), "feedback_date": "2027-01-12",
            "feedback_notes": "肯定了渠道拓展,下季度关注回款。", "revision": appraisal.revision}  # fmt: skip
    response = manager.post(page, {**data, "action": "submit"})
    assert response.status_code == 302, response.content.decode()[:3000]
    appraisal.refresh_from_db()
    assert appraisal.reviewed is not None and appraisal.final_score is not None

    assert hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CALIBRATION).status_code == 302
    calibration = reverse("cycle-calibration", args=[cycle.pk])
    assert "<svg" in hr.get(calibration).content.decode()
    response = hr.post(calibration, {"appraisal": appraisal.pk, "band": "A", "reason": "跨部门评价一般,校准为A。",
                                     "note": "结合跨部门评价,等级定为A。"})  # fmt: skip
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert (appraisal.band, appraisal.band_reason) == ("A", "跨部门评价一般,校准为A。")
    assert hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CLOSE).status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == "closed"

    html = rep.get(page).content.decode()
    assert 'id="result"' in html and "结合跨部门评价,等级定为A。" in html and 'id="acknowledge"' in html
    assert "跨部门评价一般,校准为A。" not in html, "the calibration reason is HR's"
    rep.post(
        page, {"action": "acknowledge", "objection": "", "revision": Appraisal.objects.get(pk=appraisal.pk).revision}
    )
    appraisal.refresh_from_db()
    assert appraisal.state == "acknowledged"

    export = hr.get(reverse("cycle-results-export", args=[cycle.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    mine = next(row for row in rows if row[0] == appraisal.employee.employee_no)
    assert mine[header.index("最终等级 Band")] == "A"
    assert mine[header.index("校准理由 Calibration reason")] == "跨部门评价一般,校准为A。"


def test_scores_off_the_scale_are_refused_beside_the_field(quarter):
    appraisal = quarter["appraisal"]
    rep = signed_in("rep_q4")
    page = reverse("appraisal-page", args=[appraisal.pk])
    rated = appraisal.lines.filter(kind="rated").first()
    data = {**line_values(appraisal, "self_score"), f"line-{rated.pk}-self_score": "9", "revision": appraisal.revision}
    response = rep.post(page, {**data, "action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="line-{rated.pk}-self_score"' in html and "is not on its scale" in html
    assert 'value="9"' in html, "the typed value is kept"
    rated.refresh_from_db()
    assert rated.self_score is None, "nothing saved"

    preview = rep.post(reverse("appraisal-preview", args=[appraisal.pk]), data).content.decode()
    assert 'id="score-summary"' in preview and f'id="err-{rated.pk}-self_score"' in preview
    assert "is not on its scale" in preview


def test_the_live_total_follows_the_typed_scores(quarter):
    appraisal = quarter["appraisal"]
    rep = signed_in("rep_q4")
    url = reverse("appraisal-preview", args=[appraisal.pk])
    top = rep.post(url, line_values(appraisal, "self_score")).content.decode()
    low = {k: ("1" if k.endswith("self_score") else "0") for k in line_values(appraisal, "self_score")}
    bottom = rep.post(url, low).content.decode()
    assert 'data-score="final">' in top and top != bottom
    appraisal.refresh_from_db()
    assert appraisal.lines.filter(actual__isnull=False).count() == 0, "the preview saves nothing"


def test_a_manager_cannot_open_an_appraisal_outside_their_team(quarter):
    other = Appraisal.objects.filter(cycle=quarter["cycle"]).exclude(reviewer__position__title="区域销售经理").first()
    manager = signed_in("manager_q4")
    assert manager.get(reverse("appraisal-page", args=[other.pk])).status_code == 404
    assert manager.post(reverse("appraisal-page", args=[other.pk]), {"action": "save"}).status_code == 404
    assert manager.get(reverse("cycle-page", args=[quarter["cycle"].pk])).status_code == 403


def test_nothing_changes_after_the_cycle_closes(quarter):
    appraisal, cycle, hr = quarter["appraisal"], quarter["cycle"], quarter["hr"]
    hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CALIBRATION)
    hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CLOSE)
    rep = signed_in("rep_q4")
    page = reverse("appraisal-page", args=[appraisal.pk])
    html = rep.get(page).content.decode()
    assert 'id="appraisal-form"' not in html and 'id="closed-notice"' in html
    response = rep.post(page, {**line_values(appraisal, "self_score"), "action": "save"}, follow=True)
    assert "cannot be changed now" in response.content.decode()
    assert appraisal.lines.filter(actual__isnull=False).count() == 0
    response = hr.post(
        reverse("cycle-calibration", args=[cycle.pk]), {"appraisal": appraisal.pk, "band": "S", "reason": "x"}
    )
    appraisal.refresh_from_db()
    assert appraisal.band != "S"


def test_employees_do_not_run_cycles(quarter):
    rep = signed_in("rep_q4")
    for url in (reverse("cycles-page"), reverse("cycle-page", args=[quarter["cycle"].pk]),
                reverse("cycle-calibration", args=[quarter["cycle"].pk]),
                reverse("cycle-results", args=[quarter["cycle"].pk])):  # fmt: skip
        assert rep.get(url).status_code == 403, url


def test_a_cycle_with_bad_dates_is_refused_naming_the_field(people, client_for):
    hr = client_for("hr")
    response = hr.post(reverse("cycles-page"), {"name": "", "period_start": "2026-10-01", "period_end": "2026-09-01",
                                                "self_deadline": "", "review_deadline": "", "scope": ""})  # fmt: skip
    assert response.status_code == 400
    assert 'name="name" value="" placeholder="2026-Q4" maxlength="32" aria-invalid="true"' in response.content.decode()
    assert not AppraisalCycle.objects.filter(period_start="2026-10-01").exists()


def test_a_refused_submit_saves_nothing_and_keeps_what_was_typed(quarter):
    appraisal = quarter["appraisal"]
    rep = signed_in("rep_q4")
    page = reverse("appraisal-page", args=[appraisal.pk])
    quantitative = appraisal.lines.filter(kind="quantitative").first()
    data = {f"line-{quantitative.pk}-actual": "5", "self_comment": "只填了一项。", "revision": appraisal.revision}
    response = rep.post(page, {**data, "action": "submit"})
    assert response.status_code == 400 and "只填了一项。" in response.content.decode()
    quantitative.refresh_from_db()
    appraisal.refresh_from_db()
    assert quantitative.actual is None and appraisal.self_comment == "" and appraisal.state == "self_assessment"


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "12abc"])
def test_an_actual_that_is_not_a_number_is_refused_as_typed(quarter, typed):
    appraisal = quarter["appraisal"]
    rep = signed_in("rep_q4")
    line = appraisal.lines.filter(kind="quantitative").first()
    data = {f"line-{line.pk}-actual": typed, "revision": appraisal.revision, "action": "save"}
    response = rep.post(reverse("appraisal-page", args=[appraisal.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{typed}"' in html and "Enter a number." in html
    preview = rep.post(reverse("appraisal-preview", args=[appraisal.pk]), data)
    assert preview.status_code == 200 and "Enter a number." in preview.content.decode()


def test_typing_into_a_cycle_that_closed_meanwhile_is_refused_and_shown(quarter):
    appraisal, cycle, hr = quarter["appraisal"], quarter["cycle"], quarter["hr"]
    rep = signed_in("rep_q4")
    page = reverse("appraisal-page", args=[appraisal.pk])
    revision = appraisal.revision
    hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CALIBRATION)
    hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CLOSE)
    response = rep.post(page, {"self_comment": "关闭前写的总结。", "revision": revision, "action": "save"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="unsaved"' in html and "关闭前写的总结。" in html
    closed = rep.post(reverse("appraisal-preview", args=[appraisal.pk]), {}).content.decode()
    assert "can no longer be changed" in closed


def test_the_manager_sees_self_scores_only_once_submitted(quarter):
    appraisal = quarter["appraisal"]
    rep, manager = signed_in("rep_q4"), signed_in("manager_q4")
    line = appraisal.lines.filter(kind="quantitative").first()
    rep.post(reverse("appraisal-page", args=[appraisal.pk]),
             {f"line-{line.pk}-actual": "123.5", "revision": appraisal.revision, "action": "save"})  # fmt: skip
    assert "123.5" not in manager.get(reverse("appraisal-page", args=[appraisal.pk])).content.decode()


def test_hr_who_manages_a_team_scores_it_as_its_manager(quarter):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    appraisal = quarter["appraisal"]
    get_user_model().objects.get(username="manager_q4").groups.add(Group.objects.get(name="HR admin"))
    rep = signed_in("rep_q4")
    rep.post(reverse("appraisal-page", args=[appraisal.pk]),
             {**line_values(appraisal, "self_score"), "revision": appraisal.revision, "action": "submit"})  # fmt: skip
    html = signed_in("manager_q4").get(reverse("appraisal-page", args=[appraisal.pk])).content.decode()
    assert 'id="appraisal-form"' in html and "-manager_score" in html


def test_a_band_moved_from_a_stale_page_is_refused(quarter):
    appraisal, cycle, hr = quarter["appraisal"], quarter["cycle"], quarter["hr"]
    answers = {**line_values(appraisal, "self_score"), "revision": appraisal.revision, "action": "submit"}
    signed_in("rep_q4").post(reverse("appraisal-page", args=[appraisal.pk]), answers)
    appraisal.refresh_from_db()
    signed_in("manager_q4").post(reverse("appraisal-page", args=[appraisal.pk]), {
        **line_values(appraisal, "manager_score"), "feedback_date": "2027-01-12", "revision": appraisal.revision,
        "action": "submit"})  # fmt: skip
    hr.post(reverse("cycle-page", args=[cycle.pk]), FORCED_CALIBRATION)
    appraisal.refresh_from_db()
    url = reverse("cycle-calibration", args=[cycle.pk])
    stale = appraisal.revision
    hr.post(url, {"appraisal": appraisal.pk, "band": "C", "reason": "第一位", "revision": stale})
    response = hr.post(
        url, {"appraisal": appraisal.pk, "band": "D", "reason": "第二位", "revision": stale}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    appraisal.refresh_from_db()
    assert appraisal.band == "C"
    assert hr.post(url, {"appraisal": "abc", "band": "C", "reason": "x"}).status_code == 404


def test_results_download_only_as_spreadsheets(quarter):
    hr, cycle = quarter["hr"], quarter["cycle"]
    assert hr.get(reverse("cycle-results-export", args=[cycle.pk, "html"])).status_code == 404
    response = hr.get(reverse("cycle-results-export", args=[cycle.pk, "csv"]))
    assert response.status_code == 200 and "results-2026-Q4.csv" in response["Content-Disposition"]


def test_the_live_total_only_updates_what_the_page_has(quarter):
    """Every out-of-band part of the preview has its place on the page, or the browser reports an error."""
    import re

    appraisal = quarter["appraisal"]
    page, url = reverse("appraisal-page", args=[appraisal.pk]), reverse("appraisal-preview", args=[appraisal.pk])
    rep = signed_in("rep_q4")
    for client, field in [(rep, "self_score"), (signed_in("manager_q4"), "manager_score")]:
        ids = set(re.findall(r'\bid="([^"]+)"', client.get(page).content.decode()))
        preview = client.post(url, line_values(appraisal, field)).content.decode()
        swapped = re.findall(r'<[^>]*\bid="([^"]+)"[^>]*hx-swap-oob', preview)
        assert swapped and set(swapped) <= ids, field
        if client is rep:
            rep.post(page, {**line_values(appraisal, field), "revision": appraisal.revision, "action": "submit"})
