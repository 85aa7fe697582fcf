"""A whole quarter in a real browser on the seed organisation."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.models import Appraisal, AppraisalCycle
from positions.models import Employee

pytestmark = [pytest.mark.browser]


def rep_person():
    return Employee.objects.get(user__username="rep")


def test_a_whole_quarter(open_as, site):
    hr = open_as("hr")
    hr.goto(f"{site}/cycles/")
    hr.fill("input[name=name]", "2026-Q4")
    hr.fill("input[name=period_start]", "2026-10-01")
    hr.fill("input[name=period_end]", "2026-12-31")
    hr.fill("input[name=self_deadline]", "2027-01-10")
    hr.fill("input[name=review_deadline]", "2027-01-20")
    hr.click("#create-cycle")
    hr.click("#open-cycle")
    assert hr.inner_text("#cycle-state") == "open"
    cycle = AppraisalCycle.objects.get(name="2026-Q4")
    appraisal = Appraisal.objects.get(cycle=cycle, employee=rep_person())

    # The sales representative self-assesses.
    rep = open_as("rep")
    rep.click("header >> text=Appraisals")
    rep.click("#mine >> text=2026-Q4")
    for line in appraisal.lines.all():
        if line.kind == "quantitative":
            rep.fill(f"input[name='line-{line.pk}-actual']", str(line.target.normalize()))
        else:
            rep.fill(f"input[name='line-{line.pk}-self_score']", "4")
    expect(rep.locator("[data-score='final']")).not_to_have_text("—")
    rep.fill("textarea[name=self_comment]", "完成了区域销售目标。")
    rep.click("#submit-appraisal")
    rep.wait_for_selector(".message.success")
    appraisal.refresh_from_db()
    assert appraisal.state == "manager_review"

    # Their manager scores them, sees the total move as they type, and records the feedback.
    manager = open_as("regional_manager")
    manager.goto(f"{site}/appraisals/")
    manager.click(f"#team-{cycle.pk} tr[data-employee='{rep_person().employee_no}'] a.button")
    rated = appraisal.lines.filter(kind="rated")
    first = rated.first()
    manager.fill(f"input[name='line-{first.pk}-manager_score']", "9")
    expect(manager.locator(f"#err-{first.pk}-manager_score")).to_contain_text("scale")
    for line in rated:
        manager.fill(f"input[name='line-{line.pk}-manager_score']", "5")
    expect(manager.locator(f"#err-{first.pk}-manager_score")).to_have_text("")
    total = manager.inner_text("[data-score='final']")
    assert total not in ("", "—")
    manager.fill("input[name=feedback_date]", "2027-01-12")
    manager.fill("textarea[name=feedback_notes]", "肯定了渠道拓展;下季度关注回款。")
    manager.click("#submit-appraisal")
    manager.wait_for_selector(".message.success")
    appraisal.refresh_from_db()
    assert appraisal.reviewed is not None

    # A manager cannot open an appraisal outside their team by URL.
    other = Appraisal.objects.filter(cycle=cycle).exclude(reviewer=appraisal.reviewer).first()
    response = manager.goto(f"{site}/appraisals/{other.pk}/")
    assert response.status == 404

    # HR calibrates one band with a reason and closes the cycle.
    hr.goto(f"{site}/cycles/{cycle.pk}/")
    hr.click("#start-calibration")
    hr.click("#to-calibration")
    assert hr.locator("svg.chart rect").count() > 0
    row = hr.locator(f"tr[data-person='{rep_person().employee_no}']")
    new_band = "A" if appraisal.computed_band != "A" else "B"
    row.locator("select[name=band]").select_option(new_band)
    row.locator("input[name=reason]").fill("结合跨部门评价,校准一档。")
    row.locator("button").click()
    hr.wait_for_selector(".message.success")
    hr.goto(f"{site}/cycles/{cycle.pk}/")
    hr.once("dialog", lambda dialog: dialog.accept())
    hr.click("#close-cycle")
    hr.wait_for_selector(".message.success")
    assert hr.inner_text("#cycle-state") == "closed"

    # The representative sees the result and acknowledges it; nothing can change any more.
    rep.goto(f"{site}/appraisals/{appraisal.pk}/")
    assert new_band == rep.inner_text("#final-band")
    assert "结合跨部门评价,校准一档。" in rep.inner_text("#result")
    assert rep.locator("#appraisal-form").count() == 0
    rep.click("#acknowledge-button")
    rep.wait_for_selector("#acknowledged")
    appraisal.refresh_from_db()
    assert appraisal.state == "acknowledged" and appraisal.band == new_band

    # The exported XLSX holds that result.
    hr.goto(f"{site}/cycles/{cycle.pk}/results/")
    with hr.expect_download() as download:
        hr.click("#download-xlsx")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = [[c.value for c in r] for r in workbook.active.iter_rows()]
    header = rows[0]
    mine = next(r for r in rows if r[0] == rep_person().employee_no)
    assert mine[header.index("最终等级 Band")] == new_band
    assert mine[header.index("校准理由 Calibration reason")] == "结合跨部门评价,校准一档。"
