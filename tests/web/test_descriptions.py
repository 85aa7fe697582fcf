"""The description workflow through the pages: draft, review, versions, conflicts, Word export."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from positions.models import DescriptionDraft, DescriptionVersion, Position

pytestmark = pytest.mark.django_db


def form_data(response):
    """The edit form as the browser would post it (hidden and visible fields with their values)."""
    html = response.content.decode()
    form = html[html.index('id="description-form"') : html.index("</form>", html.index('id="description-form"'))]
    form = re.sub(r"<template.*?</template>", "", form, flags=re.S)
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, flags=re.S):
        data[name] = value
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return {k: v.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&") for k, v in data.items()}


def submit_a_change(client, position, text="补充:负责品牌危机处理。"):
    edit_url = reverse("description-edit", args=[position.pk])
    data = form_data(client.get(edit_url))
    data["duties-0-text"] = text
    response = client.post(edit_url, {**data, "action": "submit"})
    assert response.status_code == 302, response.content.decode()[:2000]


def duty_count(data):
    return len({k.split("-")[1] for k in data if k.startswith("duties-") and k.endswith("-text")})


def test_an_edit_goes_to_a_draft_and_is_published_on_approval(client_for, brand_manager):
    hr = client_for("hr")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    data = form_data(hr.get(edit_url))
    published_first = brand_manager.duties.first().text
    n = duty_count(data)
    data["duties-0-text"] = "制定并执行品牌战略。"
    data.update({f"duties-{n}-text": "管理品牌预算。", f"duties-{n}-category": "core", f"duties-{n}-key": "new1"})
    data.update({"standards-0-measure": "品牌知名度", "standards-0-target": "80", "standards-0-unit": "%",
                 "standards-0-duty": "new1"})  # fmt: skip
    response = hr.post(edit_url, {**data, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:3000]

    brand_manager.refresh_from_db()
    assert brand_manager.duties.first().text == published_first, "the published description waits for approval"
    draft = DescriptionDraft.objects.get(position=brand_manager)
    assert draft.content["duties"][0]["text"] == "制定并执行品牌战略。"
    assert draft.content["standards"][0]["duty_index"] == n, "a standard keeps the duty it was linked to"

    response = hr.post(edit_url, {**form_data(hr.get(edit_url)), "action": "submit"})
    assert response.status_code == 302
    page = hr.get(reverse("position-page", args=[brand_manager.pk])).content.decode()
    assert "waiting for review" in page and published_first in page

    reviewer = client_for("reviewer")
    review_url = reverse("description-review", args=[brand_manager.pk])
    review = reviewer.get(review_url).content.decode()
    assert "<ins>[core] 管理品牌预算。</ins>" in review and "<del>" in review
    response = reviewer.post(review_url, {"action": "approve", "revision": DescriptionDraft.objects.get().revision})
    assert response.status_code == 302

    version = DescriptionVersion.objects.get(position=brand_manager, number=2)
    assert version.reviewer.username == "reviewer" and version.author.username == "hr"
    assert [d["text"] for d in version.snapshot["duties"]][0] == "制定并执行品牌战略。"
    assert not DescriptionDraft.objects.exists()

    compare = hr.get(reverse("version-compare", args=[brand_manager.pk]), {"a": 1, "b": 2}).content.decode()
    assert "<ins>[core] 制定并执行品牌战略。</ins>" in compare
    assert f"<del>[core] {published_first}</del>" in compare
    old = hr.get(reverse("version-detail", args=[brand_manager.pk, 1])).content.decode()
    assert published_first in old and "This is not the current version." in old


def test_the_author_cannot_approve_and_returning_needs_a_comment(client_for, brand_manager):
    hr = client_for("hr")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    submit_a_change(hr, brand_manager)
    review_url = reverse("description-review", args=[brand_manager.pk])
    assert hr.post(review_url, {"action": "approve"}).status_code == 403
    reviewer = client_for("reviewer")
    response = reviewer.post(review_url, {"action": "return", "comment": "  "})
    assert response.status_code == 400 and "Say what should change" in response.content.decode()
    reviewer.post(review_url, {"action": "return", "comment": "请补充工作标准。"})
    draft = DescriptionDraft.objects.get()
    assert draft.state == "returned"
    assert "请补充工作标准。" in hr.get(edit_url).content.decode()


def test_refused_input_is_kept_and_each_problem_named_beside_its_field(client_for, brand_manager):
    hr = client_for("hr")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    data = form_data(hr.get(edit_url))
    data["duties-1-text"] = ""
    data.update({"standards-0-measure": "品牌声量", "standards-0-target": "很多", "standards-0-unit": "次"})
    response = hr.post(edit_url, {**data, "action": "save"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert re.search(r'name="duties-1-text"[^>]*aria-invalid="true"', html)
    assert re.search(r'name="standards-0-target" value="很多"[^>]*aria-invalid="true"', html), "typed text kept"
    assert "品牌声量" in html
    assert not DescriptionDraft.objects.exists()


def test_a_second_editor_with_a_stale_copy_is_refused_and_shown_what_changed(client_for, brand_manager):
    first, second = client_for("hr"), client_for("reviewer")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    data_first, data_second = form_data(first.get(edit_url)), form_data(second.get(edit_url))
    data_first["duties-0-text"] = "第一位编辑的改动。"
    assert first.post(edit_url, {**data_first, "action": "save"}).status_code == 302
    data_second["duties-0-text"] = "第二位编辑的改动。"
    response = second.post(edit_url, {**data_second, "action": "save"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this draft meanwhile" in html
    assert "<ins>[core] 第一位编辑的改动。</ins>" in html, "the refusal shows the other editor's change"
    assert "第二位编辑的改动。" in html, "and keeps what this editor typed"
    assert DescriptionDraft.objects.get().content["duties"][0]["text"] == "第一位编辑的改动。"

    # Once both saved versions are seen, a further stale save from the first editor is refused too.
    data_first = form_data(first.get(edit_url))
    assert second.post(edit_url, {**form_data(response), "action": "save"}).status_code == 302
    assert first.post(edit_url, {**data_first, "action": "save"}).status_code == 409


def test_employees_see_the_description_without_edit_controls(client_for, brand_manager):
    specialist = client_for("brand_specialist")
    page = specialist.get(reverse("position-page", args=[brand_manager.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Edit description" not in html and 'id="edit-description"' not in html
    assert specialist.get(reverse("description-edit", args=[brand_manager.pk])).status_code == 403
    assert specialist.get(reverse("description-reviews")).status_code == 403
    rep = client_for("rep")
    assert rep.get(reverse("position-page", args=[brand_manager.pk])).status_code == 404, "another unit's position"


def test_a_draft_that_changes_nothing_is_not_submitted(client_for, brand_manager):
    hr = client_for("hr")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    response = hr.post(edit_url, {**form_data(hr.get(edit_url)), "action": "submit"})
    assert response.status_code == 409 and "nothing to review" in response.content.decode()
    assert not DescriptionDraft.objects.filter(state="in_review").exists()


def test_a_manager_reviews_drafts_in_their_unit(client_for, people, brand_manager):
    submit_a_change(client_for("hr"), brand_manager)
    manager = client_for("market_manager")
    assert "品牌经理" in manager.get(reverse("description-reviews")).content.decode()
    response = manager.post(reverse("description-review", args=[brand_manager.pk]), {"action": "approve"})
    assert response.status_code == 302
    assert DescriptionVersion.objects.get(position=brand_manager, number=2).reviewer == people["market_manager"]


def test_the_description_downloads_as_a_word_document(client_for, brand_manager):
    response = client_for("hr").get(reverse("position-docx", args=[brand_manager.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "岗位说明书" in text and "品牌经理" in text
    assert "一、基本信息" in text and "三、岗位职责" in text and "四、岗位权限" in text and "五、工作标准" in text
    for duty in brand_manager.duties.all():
        assert duty.text in cells
    assert "市场部经理" in cells and "品牌专员" in cells, "superior and subordinates"
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"


def test_a_units_descriptions_download_as_one_document(client_for, brand_manager):
    unit = brand_manager.department
    response = client_for("hr").get(reverse("unit-descriptions-docx", args=[unit.pk]))
    document = Document(io.BytesIO(response.content))
    titles = [p.text for p in document.paragraphs if p.text == "岗位说明书"]
    assert len(titles) == unit.positions.count()


def test_the_unit_export_reads_in_a_fixed_number_of_queries(client_for, brand_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_position

    client = client_for("hr")
    url = reverse("unit-descriptions-docx", args=[brand_manager.department.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        make_position(department=brand_manager.department, reports_to=brand_manager, code=f"EXTRA-{n}")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries), [q["sql"][:150] for q in after.captured_queries]


def test_a_manager_reviews_only_positions_below_their_own(client_for, people):
    own = Position.objects.get(title="市场部经理")
    submit_a_change(client_for("hr"), own)
    manager = client_for("market_manager")
    assert manager.post(reverse("description-review", args=[own.pk]), {"action": "approve"}).status_code == 403
    assert "市场部经理" not in manager.get(reverse("description-reviews")).content.decode().split('id="waiting"')[1]


def test_nobody_who_edited_the_draft_approves_it(client_for, brand_manager):
    submit_a_change(client_for("hr"), brand_manager)
    DescriptionDraft.objects.update(state="returned")
    reviewer = client_for("reviewer")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    data = form_data(reviewer.get(edit_url))
    data["purpose"] = "审核人也改了一处。"
    assert reviewer.post(edit_url, {**data, "action": "submit"}).status_code == 302
    review_url = reverse("description-review", args=[brand_manager.pk])
    assert reviewer.post(review_url, {"action": "approve"}).status_code == 403
    assert client_for("hr").post(review_url, {"action": "approve"}).status_code == 403, "hr edited it first"


def test_a_part_posted_twice_is_refused(client_for, brand_manager):
    hr = client_for("hr")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    data = form_data(hr.get(edit_url))
    data["duties-1-id"] = data["duties-0-id"]
    response = hr.post(edit_url, {**data, "action": "save"})
    assert response.status_code == 400 and "appears twice" in response.content.decode()
    assert not DescriptionDraft.objects.exists()


def test_starting_a_draft_someone_else_already_started_is_refused(client_for, brand_manager):
    first, second = client_for("hr"), client_for("reviewer")
    edit_url = reverse("description-edit", args=[brand_manager.pk])
    stale = form_data(second.get(edit_url))
    data = form_data(first.get(edit_url))
    data["purpose"] = "先开始的草稿。"
    first.post(edit_url, {**data, "action": "save"})
    assert second.post(edit_url, {**stale, "action": "save"}).status_code == 409
    assert DescriptionDraft.objects.get().content["purpose"] == "先开始的草稿。"


def test_approval_warns_when_a_newer_version_was_published_meanwhile(client_for, brand_manager):
    from positions.services import position_write

    submit_a_change(client_for("hr"), brand_manager)
    position_write(position=brand_manager, fields={"purpose": "通过接口直接发布的目的。"})
    reviewer = client_for("reviewer")
    review_url = reverse("description-review", args=[brand_manager.pk])
    page = reviewer.get(review_url).content.decode()
    assert 'id="behind"' in page and "通过接口直接发布的目的。" in page
    revision = DescriptionDraft.objects.get().revision
    refused = reviewer.post(review_url, {"action": "approve", "revision": revision}, follow=True)
    assert "was published after this draft began" in refused.content.decode()
    assert not DescriptionVersion.objects.filter(position=brand_manager, number=3).exists()
    reviewer.post(review_url, {"action": "approve", "revision": revision, "over_newer_version": "1"})
    assert DescriptionVersion.objects.filter(position=brand_manager, number=3).exists()


def test_text_word_cannot_hold_is_dropped_from_the_export(client_for, brand_manager):
    brand_manager.duties.filter(pk=brand_manager.duties.first().pk).update(text="含控制字符\x0b的职责")
    response = client_for("hr").get(reverse("position-docx", args=[brand_manager.pk]))
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    assert any("含控制字符的职责" in cell for cell in cells)
