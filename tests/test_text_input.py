"""Text that would break an export is refused at every input, and what was stored before is cleaned.

A control character (Unicode Cc, or what XML 1.0 cannot hold) is refused everywhere; a tab or a
line break only in single-line fields (CharField), not in multi-line ones (TextField). The refusal
names the field (the import: the row and column), answers 400 and saves nothing.
"""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from analytics.models import Process
from appraisal.models import AppraisalCycle, AppraisalLine, CycleEvent, Indicator
from appraisal.services import cycle_close, cycle_open, cycle_reopen, cycle_start_calibration
from departments.models import CollaborationMechanism, Department
from orgdesign import text
from orgdesign.transfer.load import make_plan
from orgdesign.transfer.read import read
from positions.models import DescriptionDraft, Duty, Position
from tests.appraisal import conftest as appraisal_fixtures
from tests.appraisal.conftest import make_cycle
from tests.factories import make_position, make_unit

pytestmark = pytest.mark.django_db

library, team = appraisal_fixtures.library, appraisal_fixtures.team

BELL, ESCAPE, NOT_XML = "\u0007", "\u001b", "\ufffe"


def _closed_cycle(name="2026-Q3"):
    cycle = make_cycle(name=name)
    cycle_open(cycle=cycle)
    cycle_start_calibration(cycle=cycle, force=True, reason="按期")
    cycle_close(cycle=cycle, force=True, reason="按期")
    cycle.refresh_from_db()
    return cycle


# --- the rule itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "multiline", "refused"),
    [
        ("品牌经理 Brand Manager", False, False),
        ("第一行\n第二行\r\n\t缩进", True, False),
        ("品牌\n经理", False, True),
        ("品牌\t经理", False, True),
        (f"品牌{BELL}经理", False, True),
        (f"品牌{BELL}经理", True, True),
        (f"a{ESCAPE}b", True, True),
        ("a\x00b", True, True),
        ("a\x85b", True, True),  # C1 (NEXT LINE) is Cc too
        (f"a{NOT_XML}b", True, True),
        ("a\uffffb", True, True),
        ("a\ud800b", True, True),  # a lone surrogate
        ("a\U0001f600b 中文", False, False),  # characters beyond the BMP are text
    ],
)
def test_what_text_may_hold(value, multiline, refused):
    validator = text.PlainTextValidator(multiline=multiline)
    if refused:
        with pytest.raises(ValidationError) as caught:
            validator(value)
        assert caught.value.code == "control_character"
    else:
        validator(value)


def test_every_text_field_of_our_models_has_the_rule():
    for label in text.PROJECT_APPS:
        for model in django_apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                wanted = text.validator_for(field)
                if wanted is not None:
                    assert wanted in field.validators, f"{model._meta.label}.{field.name}"
    assert text.MULTI_LINE_TEXT in Position._meta.get_field("purpose").validators
    assert text.SINGLE_LINE_TEXT in Position._meta.get_field("title").validators


def test_the_message_says_what_and_where():
    with pytest.raises(ValidationError) as caught:
        text.SINGLE_LINE_TEXT("ab\ncd")
    assert "one line" in caught.value.messages[0] and "character 3" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        text.MULTI_LINE_TEXT(f"a{BELL}")
    assert "U+0007" in caught.value.messages[0] and "character 2" in caught.value.messages[0]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            text.MULTI_LINE_TEXT(f"a{BELL}")
        assert "控制字符 U+0007" in caught.value.messages[0]


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_refuses_a_control_character_in_a_post_naming_the_field(hr_api):
    unit = make_unit()
    body = {"code": "BR-M", "title": f"品牌{BELL}经理", "department": unit.pk, "headcount": 1}
    response = hr_api.post("/api/v1/positions/", body, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["title"] and "U+0007" in response.json()["errors"]["title"][0]
    assert not Position.objects.filter(code="BR-M").exists()


def test_the_api_refuses_a_line_break_in_a_single_line_field_and_keeps_it_in_a_multi_line_one(hr_api):
    unit = make_unit(name="市场部")
    url = f"/api/v1/departments/{unit.pk}/"
    response = hr_api.patch(url, {"name": "市场\n部"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["name"]
    response = hr_api.patch(url, {"function": "负责市场。\n负责品牌。"}, format="json")
    assert response.status_code == 200, response.json()
    response = hr_api.patch(url, {"function": f"负责{ESCAPE}市场"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["function"]
    unit.refresh_from_db()
    assert (unit.name, unit.function) == ("市场部", "负责市场。\n负责品牌。")


def test_the_api_refuses_a_control_character_in_a_description_part(hr_api):
    position = make_position()
    response = hr_api.patch(
        f"/api/v1/positions/{position.pk}/",
        {
            "title": "新名称",
            "duties": [{"category": "core", "text": "好的职责"}, {"category": "core", "text": f"坏{BELL}"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["duties[1].text"]
    position.refresh_from_db()
    assert position.title != "新名称" and not Duty.objects.filter(position=position).exists()


def test_a_reason_sent_to_a_service_action_is_refused(hr_api, team):
    cycle = _closed_cycle()
    url = f"/api/v1/appraisal-cycles/{cycle.pk}/reopen/"
    response = hr_api.post(url, {"reason": f"重新校准{BELL}"}, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == ["reason"]
    cycle.refresh_from_db()
    assert cycle.state == "closed" and not CycleEvent.objects.filter(cycle=cycle, action="reopen").exists()
    response = hr_api.post(url, {"reason": "重新校准。\n第二行说明。"}, format="json")
    assert response.status_code == 200, "a reason may have several lines"


def test_the_services_refuse_free_text_whoever_calls_them(team):
    cycle = _closed_cycle()
    with pytest.raises(ValidationError) as caught:
        cycle_reopen(cycle=cycle, reason=f"a{NOT_XML}b")
    assert list(caught.value.message_dict) == ["reason"]
    cycle.refresh_from_db()
    assert cycle.state == "closed"


# --- pages -------------------------------------------------------------------------------------------


def test_a_page_form_refuses_a_control_character_beside_the_field(hr_client, team):
    response = hr_client.post(reverse("cycles-page"), {
        "name": f"2027{BELL}Q2", "period_start": "2027-04-01", "period_end": "2027-06-30",
        "self_deadline": "2027-07-05", "review_deadline": "2027-07-15",
    })  # fmt: skip
    assert response.status_code == 400
    assert "U+0007" in response.content.decode()
    assert not AppraisalCycle.objects.exists()


def test_a_reason_typed_on_a_page_is_refused(hr_client, team):
    cycle = _closed_cycle()
    response = hr_client.post(reverse("cycle-page", args=[cycle.pk]), {"action": "reopen", "reason": f"理由{ESCAPE}"})
    assert response.status_code == 400 and "U+001B" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == "closed"


def test_a_description_draft_refuses_a_control_character(hr_client):
    position = make_position(title="品牌经理")
    url = reverse("description-edit", args=[position.pk])
    response = hr_client.post(url, {
        "revision": "new", "purpose": "提升品牌。", "duties-0-category": "core", "duties-0-text": f"制定{BELL}策略",
    })  # fmt: skip
    assert response.status_code == 400 and "U+0007" in response.content.decode()
    response = hr_client.post(url, {"revision": "new", "purpose": f"提升{BELL}品牌。"})
    assert response.status_code == 400 and "U+0007" in response.content.decode()
    assert not DescriptionDraft.objects.filter(position=position).exists()


# --- the admin ---------------------------------------------------------------------------------------


def test_the_admin_refuses_a_control_character(hr_client):
    unit = make_unit()
    url = reverse("admin:departments_collaborationmechanism_add")
    response = hr_client.post(url, {"department": unit.pk, "kind": "meeting", "name": f"周例会{BELL}", "order": 0})
    assert response.status_code == 200, "the form comes back with the error"
    assert "U+0007" in response.content.decode()
    assert not CollaborationMechanism.objects.exists()
    response = hr_client.post(url, {"department": unit.pk, "kind": "meeting", "name": "周例会", "order": 0,
                             "description": "每周一。\n每月一次总结。"})  # fmt: skip
    assert response.status_code == 302
    assert CollaborationMechanism.objects.get().description == "每周一。\n每月一次总结。"


# --- the import --------------------------------------------------------------------------------------


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "positions"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_import_names_the_row_and_column_of_a_control_character(db):
    make_unit(code="MKT")
    data = f"code,title,unit,headcount,purpose\nP-1,好岗位,MKT,1,\nP-2,坏{BELL}岗位,MKT,1,\n".encode()
    rows, problems = read(data, "positions.csv")
    plan = make_plan(rows)
    found = [(p.sheet, p.row, p.column) for p in problems + plan.problems]
    assert found == [("positions", 3, "title")]
    assert "U+0007" in plan.problems[0].message
    # A line break in a workbook cell: refused in a title, kept in the multi-line purpose.
    rows, problems = read(_xlsx([["code", "title", "unit", "headcount", "purpose"],
                                 ["P-3", "品牌\n经理", "MKT", 1, "第一行\n第二行"]]), "org.xlsx")  # fmt: skip
    plan = make_plan(rows)
    assert [(p.row, p.column) for p in problems + plan.problems] == [(2, "title")]
    # A part (one row of many an owner has) is checked the same way.
    make_position(code="P-9", department=Department.objects.get(code="MKT"))
    data = f"position,order,category,title,text\nP-9,1,core,好,第一条\nP-9,2,core,坏\t标题,第二条{ESCAPE}\n".encode()
    rows, problems = read(data, "duties.csv")
    plan = make_plan(rows)
    assert sorted((p.sheet, p.row, p.column) for p in problems + plan.problems) == [
        ("duties", 3, "text"), ("duties", 3, "title"),
    ]  # fmt: skip


def test_an_upload_with_a_control_character_is_refused_and_saves_nothing(hr_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_unit(code="MKT")
    data = f"code,title,unit,headcount\nP-1,好岗位,MKT,1\nP-2,坏{BELL}岗位,MKT,1\n".encode()
    response = hr_client.post(reverse("transfer-page"), {"file": SimpleUploadedFile("positions.csv", data)})
    job_url = response["Location"]
    page = hr_client.get(job_url).content.decode()
    assert 'id="problems"' in page and "U+0007" in page and 'id="apply-import"' not in page
    hr_client.post(job_url)
    assert not Position.objects.filter(code__in=["P-1", "P-2"]).exists()


# --- what was stored before --------------------------------------------------------------------------


def _dirty(model, pk, **values):
    """Write values past every check, as rows written before the rule could hold them."""
    model.objects.filter(pk=pk).update(**values)


def test_cleaning_makes_stored_text_exportable_again(hr_client, team):
    position = team["positions"]["rep"]
    _dirty(Position, position.pk, title=f"销售{BELL}代表\t一线", purpose=f"第一行\n第二行{ESCAPE}")
    unit = team["units"]["sales"]
    _dirty(Department, unit.pk, name="销售\r\n部", function=f"职能\t说明{NOT_XML}")
    cycle = _closed_cycle()
    line = AppraisalLine.objects.filter(appraisal__cycle=cycle, kind="rated").first()
    levels = [{**level, "description": f"{level['description']}{BELL}\n说明"} for level in line.levels]
    _dirty(AppraisalLine, line.pk, levels=levels)

    assert text.clean_rows(Position) == 1 and text.clean_rows(Department) == 1
    assert text.clean_rows(AppraisalLine) == 1
    assert text.clean_rows(Position) == 0, "a clean row is left alone"
    position.refresh_from_db()
    unit.refresh_from_db()
    line.refresh_from_db()
    assert (position.title, position.purpose) == ("销售代表 一线", "第一行\n第二行")
    assert (unit.name, unit.function) == ("销售 部", "职能\t说明")
    assert line.levels[0]["description"].endswith("\n说明") and BELL not in str(line.levels)

    response = hr_client.get(reverse("transfer-download", args=["organisation.xlsx"]))
    assert response.status_code == 200
    titles = [row[1] for row in load_workbook(io.BytesIO(response.content))["positions"].iter_rows(values_only=True)]
    assert "销售代表 一线" in titles


def test_a_cleaned_unique_value_never_collides(db):
    make_unit(code="U-A B")
    dirty = make_unit(code="U-DIRTY")
    _dirty(Department, dirty.pk, code="U-A\tB")
    text.clean_rows(Department)
    dirty.refresh_from_db()
    assert dirty.code == f"U-A B ({dirty.pk})"


def test_the_migrations_clean_every_model_of_their_app(db):
    """Each app's data migration, run with the models as the migrations know them and as the code does."""
    indicator = Indicator.objects.create(code="Q", name=f"质量{BELL}", dimension="results", kind="rated")
    process = Process.objects.create(code="P", name="流程\n名称", description=f"说明{ESCAPE}")
    executor = MigrationExecutor(connection)
    state_apps = executor.loader.project_state().apps
    editor = SimpleNamespace(connection=connection)
    for app, migration in [("departments", "0004"), ("positions", "0005"), ("appraisal", "0009"),
                           ("analytics", "0003"), ("orgdesign", "0006")]:  # fmt: skip
        module = importlib.import_module(f"{app}.migrations.{migration}_clean_control_characters")
        (operation,) = module.Migration.operations
        operation.code(state_apps, editor)
    indicator.refresh_from_db()
    process.refresh_from_db()
    assert indicator.name == "质量"
    assert (process.name, process.description) == ("流程 名称", "说明")
