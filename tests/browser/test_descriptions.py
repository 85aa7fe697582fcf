"""HR's day in a real browser: edit a description, have it reviewed, compare versions, download it."""

import re

import pytest
from docx import Document

from positions.models import DescriptionDraft, DescriptionVersion, Position

pytestmark = [pytest.mark.browser]


def open_brand_manager(page, site):
    page.goto(f"{site}/org-chart/")
    page.click("li[data-title='品牌经理'] > a")
    page.wait_for_selector("#duties")


def test_edit_review_publish_compare_and_download(open_as, site):
    hr = open_as("hr")
    open_brand_manager(hr, site)
    first_duty = hr.locator("#duties ol.duties li").first.inner_text().splitlines()[0]

    hr.click("#edit-description")
    duties = hr.locator("[data-rows='duties'] > li")
    count = duties.count()
    duties.nth(0).locator("textarea[name$='-text']").fill("制定品牌战略与年度品牌规划。")
    hr.click("[data-add='duties']")
    assert duties.count() == count + 1, "a row is added without a page load"
    new_row = duties.nth(count)
    new_row.locator("select[name$='-category']").select_option("auxiliary")
    new_row.locator("textarea[name$='-text']").fill("协调品牌相关的跨部门合作。")
    new_row.locator("[data-move='up']").click()
    assert "协调品牌相关的跨部门合作。" in duties.nth(count - 1).locator("textarea[name$='-text']").input_value()
    hr.click("[data-add='standards']")
    standard = hr.locator("[data-rows='standards'] > li").last
    standard.locator("input[name$='-measure']").fill("品牌知名度")
    standard.locator("input[name$='-target']").fill("80")
    standard.locator("input[name$='-unit']").fill("%")
    standard.locator("select[name$='-duty']").select_option(label="1. 制定品牌战略与年度品牌规划。")
    hr.click("#submit-draft")
    hr.wait_for_selector("#draft-notice")
    assert "waiting for review" in hr.inner_text("#draft-notice")
    assert first_duty in hr.inner_text("#duties"), "the published description stays until approval"

    draft = DescriptionDraft.objects.get()
    texts = [d["text"] for d in draft.content["duties"]]
    assert texts[0] == "制定品牌战略与年度品牌规划。" and texts[-2] == "协调品牌相关的跨部门合作。"
    assert draft.content["standards"][0]["duty_index"] == 0

    reviewer = open_as("reviewer")
    reviewer.click("#reviews a:has-text('品牌经理')")
    assert reviewer.locator("table.diff ins", has_text="协调品牌相关的跨部门合作。").count() == 1
    reviewer.click("#approve")
    reviewer.wait_for_selector(".message.success")
    assert "version 2" in reviewer.inner_text(".message.success")
    assert "制定品牌战略与年度品牌规划。" in reviewer.inner_text("#duties")

    reviewer.click("text=2 versions")
    reviewer.click("#compare-form button[type=submit]")
    assert reviewer.locator("table.diff ins", has_text="制定品牌战略与年度品牌规划。").count() == 1
    assert reviewer.locator("table.diff del", has_text=first_duty).count() == 1

    reviewer.click(f"a:has-text('{Position.objects.get(title='品牌经理').title}')")
    with reviewer.expect_download() as download:
        reviewer.click("text=Word (.docx)")
    document = Document(download.value.path())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("制定品牌战略与年度品牌规划。" in text for text in cells)
    assert any("品牌知名度" in text for text in cells)
    assert "v2" in cells
    version = DescriptionVersion.objects.get(number=2)
    assert (version.author.username, version.reviewer.username) == ("hr", "reviewer")


def test_a_stale_save_is_refused_and_shows_what_changed(open_as, site):
    first, second = open_as("hr"), open_as("reviewer")
    for page in (first, second):
        open_brand_manager(page, site)
        page.click("#edit-description")
    first.locator("textarea[name='duties-0-text']").fill("第一位编辑的文字。")
    first.click("#save-draft")
    first.wait_for_selector(".message.success")

    second.locator("textarea[name='duties-0-text']").fill("第二位编辑的文字。")
    second.click("#save-draft")
    second.wait_for_selector("#conflict")
    assert second.locator("#conflict ins", has_text="第一位编辑的文字。").count() == 1
    assert second.locator("textarea[name='duties-0-text']").input_value() == "第二位编辑的文字。"
    assert DescriptionDraft.objects.get().content["duties"][0]["text"] == "第一位编辑的文字。"


def test_bad_input_is_named_beside_its_field_and_leaving_unsaved_work_warns(open_as, site):
    hr = open_as("hr")
    open_brand_manager(hr, site)
    hr.click("#edit-description")
    hr.click("[data-add='standards']")
    standard = hr.locator("[data-rows='standards'] > li").last
    standard.locator("input[name$='-measure']").fill("品牌曝光")
    standard.locator("input[name$='-target']").fill("很多")
    hr.click("#save-draft")
    hr.wait_for_selector("#form-errors")
    row = hr.locator("[data-rows='standards'] > li").last
    assert row.locator("input[name$='-target']").input_value() == "很多"
    assert row.locator(".field-error").count() == 1
    assert not DescriptionDraft.objects.exists()

    dialogs = []
    hr.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    hr.close(run_before_unload=True)
    hr.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_the_chart_the_visitor_and_the_employee(browser, open_as, site):
    hr = open_as("hr")
    hr.goto(f"{site}/org-chart/")
    shown = set(hr.locator("li[data-position]").evaluate_all("nodes => nodes.map(n => n.dataset.position)"))
    assert shown == set(Position.objects.values_list("code", flat=True)) and len(shown) == 32
    hr.click("[data-chart='collapse']")
    assert not hr.locator("li[data-title='品牌经理']").is_visible()
    hr.click("[data-chart='expand']")
    assert hr.locator("li[data-title='品牌经理']").is_visible()

    visitor = browser.new_context().new_page()
    visitor.goto(f"{site}/org-chart/")
    assert re.search(r"/accounts/login/\?next=/org-chart/$", visitor.url)
    visitor.context.close()

    employee = open_as("brand_specialist")
    employee.goto(f"{site}/positions/{Position.objects.get(title='品牌经理').pk}/")
    assert employee.locator("#duties").is_visible()
    assert employee.locator("#edit-description").count() == 0
    assert employee.locator("text=Edit description").count() == 0


def test_the_language_switch_is_remembered(open_as, site):
    page = open_as("hr")
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    assert page.locator("header nav a", has_text="组织架构图").count() == 1
    page.goto(f"{site}/org-chart/")
    assert page.locator("h1").inner_text().startswith("组织架构图")
