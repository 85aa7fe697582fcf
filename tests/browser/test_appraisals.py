"""A whole quarter in a real browser on the seed organisation: gates, a forced close, appeals, acknowledging again."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.services import appraisal_submit_review, appraisal_submit_self, appraisal_update
from positions.models import Employee

pytestmark = [pytest.mark.browser]


def person(username):
    return Employee.objects.get(user__username=username)


def _finish_by_services(appraisal):
    """Take one appraisal through self-assessment and review without the browser (a colleague's, not walked)."""
    lines = list(appraisal.lines.all())
    appraisal = appraisal_update(appraisal=appraisal, role="employee", lines=[
        {"id": line.pk, "actual": line.target} if line.kind == "quantitative" else {"id": line.pk, "self_score": 3}
        for line in lines
    ])  # fmt: skip
    appraisal = appraisal_submit_self(appraisal=appraisal)
    appraisal = appraisal_update(
        appraisal=appraisal, role="hr", fields={"feedback_date": datetime.date(2027, 1, 12)},
        lines=[{"id": line.pk, "manager_score": 3} for line in lines if line.kind == "rated"],
    )  # fmt: skip
    return appraisal_submit_review(appraisal=appraisal)


def _errors(page):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    return problems


def test_a_whole_quarter_with_a_forced_close_and_two_appeals(open_as, site):
    hr = open_as("hr")
    hr.goto(f"{site}/cycles/")
    hr.fill("input[name=name]", "2026-Q4")
    hr.fill("input[name=period_start]", "2026-10-01")
    hr.fill("input[name=period_end]", "2026-12-31")
    hr.fill("input[name=self_deadline]", "2027-01-10")
    hr.fill("input[name=review_deadline]", "2027-01-20")
    hr.click("#create-cycle")

    # Opening shows who gets an appraisal and who is left out, and asks to confirm.
    hr.click("#open-cycle")
    expect(hr.locator("#open-preview")).to_be_visible()
    hr.click("#confirm-open")
    expect(hr.locator("#cycle-state")).to_have_text("open")
    cycle = AppraisalCycle.objects.get(name="2026-Q4")
    mine = Appraisal.objects.get(cycle=cycle, employee=person("rep"))
    colleague = Appraisal.objects.get(cycle=cycle, employee=person("brand_specialist"))
    total = Appraisal.objects.filter(cycle=cycle).count()

    # The sales representative self-assesses, with no console error from the live total.
    rep = open_as("rep")
    rep_problems = _errors(rep)
    rep.goto(f"{site}/appraisals/{mine.pk}/")
    for line in mine.lines.all():
        if line.kind == "quantitative":
            rep.fill(f"input[name='line-{line.pk}-actual']", str((line.target * Decimal("1.125")).normalize()))
        else:
            rep.fill(f"input[name='line-{line.pk}-self_score']", "4")
    expect(rep.locator("[data-score='final']")).not_to_have_text("—")
    rep.fill("textarea[name=self_comment]", "完成了区域销售目标。")
    rep.click("#submit-appraisal")
    rep.wait_for_selector(".message.success")
    assert rep.locator("text=完成了区域销售目标。").count() >= 1, "the employee still reads their own comment"

    # Their manager scores them and submits; the employee cannot read the scores before the close.
    manager = open_as("regional_manager")
    manager_problems = _errors(manager)
    manager.goto(f"{site}/appraisals/{mine.pk}/")
    for line in mine.lines.filter(kind="rated"):
        manager.fill(f"input[name='line-{line.pk}-manager_score']", "5")
    manager.fill("input[name=feedback_date]", "2027-01-12")
    manager.fill("textarea[name=feedback_notes]", "肯定了渠道拓展;下季度关注回款。")
    manager.click("#submit-appraisal")
    manager.wait_for_selector(".message.success")
    rep.goto(f"{site}/appraisals/{mine.pk}/")
    assert rep.locator("[data-line-field='manager_score']").count() == 0
    assert "肯定了渠道拓展" not in rep.content()
    _finish_by_services(Appraisal.objects.get(pk=colleague.pk))

    # Calibration is refused while appraisals are unfinished, naming how many; HR goes ahead with a reason.
    hr.goto(f"{site}/cycles/{cycle.pk}/")
    expect(hr.locator("#unfinished")).to_contain_text(str(total - 2))
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.click("#start-calibration")
    expect(hr.locator("#step-refused")).to_contain_text(str(total - 2))
    expect(hr.locator("#cycle-state")).to_have_text("open")
    hr.check("#force")
    hr.fill("#step-form textarea[name=reason]", "季度校准会议按期召开")
    hr.click("#start-calibration")
    expect(hr.locator("#cycle-state")).to_have_text("calibration")

    # Calibration says who is charted; HR moves the representative with an internal reason and a note.
    hr.goto(f"{site}/cycles/{cycle.pk}/calibration/")
    expect(hr.locator("#charted")).to_contain_text(f"2 of {total} charted")
    hr.check(f"input[name=appraisal][value='{mine.pk}']")
    hr.select_option("#move-fields select[name=band]", "A")
    hr.fill("#move-fields input[name=reason]", "区域经理之间比较后下调")
    hr.fill("#move-fields input[name=note]", "本部门S比例超出指导线")
    hr.click("#move-chosen")
    hr.wait_for_selector(".message.success")

    # Closing is refused too; closed anyway, the rest end as not completed.
    hr.goto(f"{site}/cycles/{cycle.pk}/")
    hr.click("#close-cycle")
    expect(hr.locator("#step-refused")).to_be_visible()
    hr.check("#force")
    hr.fill("#step-form textarea[name=reason]", "其余人员逾期未完成")
    hr.click("#close-cycle")
    expect(hr.locator("#cycle-state")).to_have_text("closed")
    assert Appraisal.objects.filter(cycle=cycle, state="not_completed").count() == total - 2

    # The representative reads the result with the note (never HR's reason), acknowledges and appeals.
    rep.goto(f"{site}/appraisals/{mine.pk}/")
    expect(rep.locator("[data-field='band']")).to_have_text("A")
    assert "本部门S比例超出指导线" in rep.content() and "区域经理之间比较后下调" not in rep.content()
    rep.click("#acknowledge-button")
    rep.wait_for_selector("#acknowledged")
    rep.fill("#appeal-form textarea[name=grounds]", "大客户回款已在12月到账,应计入本季度。")
    rep.click("#appeal-button")
    expect(rep.locator("#appeal-state")).to_be_visible()

    # The colleague appeals too; HR decides one changed, the other rejected, in writing.
    brand = open_as("brand_specialist")
    brand.goto(f"{site}/appraisals/{colleague.pk}/")
    brand.fill("#appeal-form textarea[name=grounds]", "不同意。")
    brand.click("#appeal-button")
    expect(brand.locator("#appeal-state")).to_be_visible()
    hr.goto(f"{site}/appeals/")
    for appraisal, outcome, decision, band in [
        (mine, "changed", "回款核实,恢复为S。", "S"),
        (colleague, "rejected", "申诉未说明结果有何不当。", None),
    ]:
        appeal = Appeal.objects.get(appraisal=appraisal)
        hr.goto(f"{site}/appeals/{appeal.pk}/")
        hr.check(f"#decide-form input[name=outcome][value={outcome}]")
        hr.fill("#decide-form textarea[name=decision]", decision)
        if band:
            hr.select_option("#decide-form select[name=band]", band)
        hr.click("#decide-appeal")
        hr.wait_for_selector(".message.success")
    assert Appeal.objects.filter(appraisal__cycle=cycle, state="decided").count() == 2

    # The changed result must be acknowledged again, with the decision as the reason; the rejected one stands.
    rep.goto(f"{site}/appraisals/{mine.pk}/")
    expect(rep.locator("[data-field='band']")).to_have_text("S")
    expect(rep.locator("#appeal-decision")).to_contain_text("回款核实,恢复为S。")
    expect(rep.locator("[data-field='result_change_reason']")).to_contain_text("回款核实")
    rep.click("#acknowledge-button")
    rep.wait_for_selector("#acknowledged")
    assert Appraisal.objects.get(pk=mine.pk).state == "acknowledged"
    brand.goto(f"{site}/appraisals/{colleague.pk}/")
    expect(brand.locator("#appeal-decision")).to_contain_text("申诉未说明结果有何不当。")

    # Results and the workbook show the appeals and the not completed.
    hr.goto(f"{site}/cycles/{cycle.pk}/results/")
    with hr.expect_download() as download:
        hr.click("#download-xlsx")
    rows = [
        [c.value for c in r] for r in load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows()
    ]
    header = next(row for row in rows if row and "工号 Employee no." in row)
    body = rows[rows.index(header) + 1 :]
    mine_row = next(r for r in body if r[header.index("工号 Employee no.")] == person("rep").employee_no)
    assert mine_row[header.index("最终等级 Band")] == "S"
    assert any("not completed" in str(cell) or "未完成" in str(cell) for row in body for cell in row)
    assert rep_problems == [] and manager_problems == []
