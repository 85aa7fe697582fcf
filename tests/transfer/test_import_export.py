"""The organisation in and out of spreadsheets: round trip, dry run, one transaction, bad files."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from appraisal.models import KpiSet
from departments.models import Department
from orgdesign.transfer.export import csv_bytes, workbook_bytes
from orgdesign.transfer.layout import SHEETS
from orgdesign.transfer.load import apply, make_plan
from orgdesign.transfer.read import ImportRefused, read
from positions.models import DescriptionVersion, Duty, Employee, Position

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def exported_then_forgotten(*commands):
    """Export what `commands` build, then roll it all back: the file and an empty organisation."""
    try:
        with transaction.atomic():
            for command in commands:
                call_command(*command, verbosity=0)
            files = {"xlsx": workbook_bytes(), **{s.name: csv_bytes(s.name) for s in SHEETS}}
            raise Rollback
    except Rollback:
        pass
    assert not Position.objects.exists()
    return files


def load(data, filename="org.xlsx", **kwargs):
    rows, problems = read(data, filename, **kwargs)
    plan = make_plan(rows)
    plan.problems[:0] = problems
    return plan


def workbook(**sheets):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_seed_goes_round_trip_into_an_empty_database_unchanged(db):
    files = exported_then_forgotten(("seed_org", "--demo"))
    plan = load(files["xlsx"])
    assert plan.problems == []
    assert plan.counts()["positions"]["create"] == 32
    apply(plan)
    assert Position.objects.count() == 32 and Employee.objects.count() == 45
    assert workbook_bytes() == files["xlsx"], "export → import → export gives the identical workbook"
    for sheet in SHEETS:
        assert csv_bytes(sheet.name) == files[sheet.name], sheet.name
    assert DescriptionVersion.objects.filter(source="import").count() == 32
    assert Department.objects.get(code="MKT-MR").path.startswith(Department.objects.get(code="MKT").path)


def test_csv_files_import_together_and_alone(db, tmp_path):
    files = exported_then_forgotten(("seed_org",))
    paths = []
    for name in ("units", "positions", "duties"):
        paths.append(tmp_path / f"{name}.csv")
        paths[-1].write_bytes(files[name])
    call_command("import_org", *map(str, paths), verbosity=0)
    assert Duty.objects.count() == 106 and Position.objects.count() == 32
    # A single sheet can follow on its own: the rows it refers to exist now.
    edited = files["duties"].decode("utf-8-sig").replace("制定品牌策略", "制定品牌总体策略", 1)
    paths[2].write_text(edited, encoding="utf-8")
    call_command("import_org", str(paths[2]), verbosity=0)
    assert Duty.objects.filter(text__startswith="制定品牌总体策略").exists()


def test_a_dry_run_reports_each_row_and_changes_nothing(seed_org, tmp_path, capsys):
    data = workbook(positions=[
        ["code", "title", "unit", "headcount"],
        ["MR-BM", "品牌经理(新)", "MKT-MR", 1],
        ["NEW-1", "新岗位", "MKT-MR", 2],
    ])  # fmt: skip
    path = tmp_path / "org.xlsx"
    path.write_bytes(data)
    call_command("import_org", str(path), "--dry-run", verbosity=2)
    out = capsys.readouterr().out
    assert "positions row 2: change" in out and "positions row 3: create" in out
    assert not Position.objects.filter(code="NEW-1").exists()
    assert Position.objects.get(code="MR-BM").title == "品牌经理"


def test_rows_refer_to_each_other_by_code_in_any_order(seed_org):
    data = workbook(
        units=[["code", "name", "kind", "parent"], ["T-CHILD", "子单位", "team", "T-PARENT"],
               ["T-PARENT", "父单位", "department", "MKT"]],
        positions=[["code", "title", "unit", "reports_to", "headcount"], ["T-2", "专员", "T-CHILD", "T-1", 1],
                   ["T-1", "主管", "T-PARENT", "MKT-DIR", 1]],
    )  # fmt: skip
    plan = load(data)
    assert plan.problems == []
    apply(plan)
    child = Department.objects.get(code="T-CHILD")
    assert child.parent.code == "T-PARENT" and child.depth == 2
    assert child.path == f"{Department.objects.get(code='T-PARENT').path}{child.pk}/"
    assert Position.objects.get(code="T-2").reports_to.code == "T-1"


def test_one_refused_row_and_nothing_changes(seed_org):
    data = workbook(positions=[
        ["code", "title", "unit", "headcount"],
        ["MR-BM", "品牌经理(改)", "MKT-MR", 1],
        ["BAD-1", "坏行", "NO-SUCH-UNIT", "two"],
    ])  # fmt: skip
    plan = load(data)
    where = {(p.sheet, p.row, p.column) for p in plan.problems}
    assert ("positions", 3, "headcount") in where
    with pytest.raises(ImportRefused):
        apply(plan)
    assert Position.objects.get(code="MR-BM").title == "品牌经理"


@pytest.mark.parametrize(
    "sheets, column, message",
    [
        ({"units": [["code", "name", "kind", "parent"], ["MKT", "营销总部", "headquarters", "MKT-MR"]]},
         "parent", "below itself"),
        ({"positions": [["code", "title", "unit", "headcount"], ["P-X", "甲", "MKT", 1], ["P-X", "乙", "MKT", 1]]},
         "code", "Repeats row 2"),
        ({"kpi_items": [["kpi_set", "order", "indicator", "weight"], ["KS-BRAND", 1, "R-SALES", 5]]},
         "status", "add up"),
        ({"employees": [["employee_no", "name", "position"], ["NEW-E1", "新人", "MR-BM"]]}, "position", "is full"),
        ({"positions": [["code", "title", "unit", "headcount"], ["P-Y", "甲", "MKT", -1]]}, "headcount", ""),
        ({"duties": [["position", "order", "category", "text"], ["MR-BM", 1, "everything", "某职责"]]},
         "category", ""),
    ],
)  # fmt: skip
def test_the_rules_hold_as_everywhere_else(seed_org_demo, sheets, column, message):
    plan = load(workbook(**sheets))
    assert plan.problems, sheets
    assert any(p.column == column and message in p.message for p in plan.problems), [str(p) for p in plan.problems]


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"just some text", "org.txt", "not a spreadsheet"),
        (b"PK\x03\x04broken", "org.xlsx", "not a readable"),
        (None, "org.xlsx", "Unknown sheet"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(db, data, filename, message):
    if data is None:
        data = workbook(people=[["name"], ["张三"]])
    try:
        plan = load(data, filename)
        problems = plan.problems
    except ImportRefused as refused:
        problems = refused.problems
    assert any(message in str(p) for p in problems), [str(p) for p in problems]


def test_missing_columns_wrong_types_and_formulas_are_named(db):
    book = Workbook()
    sheet = book.active
    sheet.title = "positions"
    sheet.append(["code", "title", "grade", "colour"])
    sheet.append(["P1", "甲", "high", "red"])
    sheet.append(["P2", "乙", "=1+1", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    problems = {(p.row, p.column): p.message for p in load(buffer.getvalue()).problems}
    assert "missing" in problems[(1, "unit, headcount")]
    assert "Unknown columns" in problems[(1, "colour")]
    assert "whole number" in problems[(2, "grade")]
    assert "formula" in problems[(3, "grade")]


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_oversized_file_is_refused(db):
    with pytest.raises(ImportRefused, match="larger than"):
        read(b"PK" + b"x" * 2000, "org.xlsx")


def test_text_that_looks_like_a_formula_is_neutralised_on_export_and_kept_on_import(seed_org):
    Position.objects.filter(code="MR-BM").update(title='=HYPERLINK("http://x")', purpose="@SUM(A1)")
    data = workbook_bytes()
    cells = {c.value for row in load_workbook(io.BytesIO(data))["positions"].iter_rows() for c in row}
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells
    assert b"'=HYPERLINK" in csv_bytes("positions")
    Position.objects.filter(code="MR-BM").update(title="品牌经理", purpose="")
    apply(load(data))
    assert Position.objects.get(code="MR-BM").title == '=HYPERLINK("http://x")'


def test_importing_the_same_file_twice_changes_nothing_the_second_time(seed_org):
    data = workbook_bytes()
    before = DescriptionVersion.objects.count()
    plan = load(data)
    assert all(c["create"] == 0 and c["change"] == 0 for c in plan.counts().values())
    apply(plan)
    assert DescriptionVersion.objects.count() == before
    assert KpiSet.objects.filter(status="active").count() == 17


@pytest.mark.slow
def test_a_generated_organisation_of_10000_positions_goes_round_trip(db):
    from orgdesign.transfer.generate import generate

    try:
        with transaction.atomic():
            rows = generate(positions=10_000, employees=12_000, seed=7)
            plan = make_plan(rows)
            assert plan.problems == []
            apply(plan)
            first = workbook_bytes()
            raise Rollback
    except Rollback:
        pass
    assert not Position.objects.exists()
    plan = load(first)
    assert plan.problems == [] and plan.counts()["duties"]["create"] == len(rows["duties"])
    apply(plan)
    assert Position.objects.count() == 10_000 and Duty.objects.count() == len(rows["duties"]) > 50_000
    assert workbook_bytes() == first


def test_columns_left_out_leave_their_fields_and_links_count_as_changes(seed_org):
    position = Position.objects.get(code="MR-BM")
    title_en, purpose, revision = position.title_en, position.purpose, position.revision
    plan = load(workbook(positions=[["code", "title", "unit", "headcount"], ["MR-BM", "品牌经理", "MKT-SA", 1]]))
    assert plan.problems == [] and plan.counts()["positions"]["change"] == 1, "moving to another unit is a change"
    apply(plan)
    position.refresh_from_db()
    assert (position.title_en, position.purpose) == (title_en, purpose), "fields not in the file stay"
    assert position.department.code == "MKT-SA" and position.revision == revision + 1


def test_editing_duties_keeps_the_standards_on_their_duty_numbers(seed_org):
    from positions.services import position_write

    position = Position.objects.get(code="MR-BM")
    position_write(position=position, fields={}, parts={
        "standards": [{"measure": "品牌知名度", "target": "80", "unit": "%", "duty_index": 1}]})  # fmt: skip
    rows = [["position", "order", "category", "text"]]
    rows += [["MR-BM", n, "core", f"职责{n}"] for n in range(1, 5)]
    apply(load(workbook(duties=rows)))
    standard = position.standards.get()
    assert standard.duty is not None and standard.duty.text == "职责2"


@pytest.mark.parametrize("value", ["--5", "²", "9" * 40, "1E+999999"])
def test_numbers_that_are_not_numbers_are_refused_not_crashed_on(db, value):
    data = workbook(kpi_sets=[["code", "name", "status", "results_weight", "ability_weight", "attitude_weight"],
                              ["KS-X", "x", "draft", value, 0, 0]],
                    positions=[["code", "title", "unit", "headcount"], ["P-Z", "甲", "MKT", value]])  # fmt: skip
    problems = load(data).problems
    assert any(p.column == "headcount" for p in problems) and any(p.column == "results_weight" for p in problems)


def test_a_kpi_set_that_does_not_exist_is_named(seed_org):
    problems = load(workbook(kpi_set_positions=[["kpi_set", "position"], ["NOPE", "MR-BM"]])).problems
    assert any(p.column == "kpi_set" and "NOPE" in p.message for p in problems)


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused(db, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    book = Workbook()
    book.active.title = "units"
    book.active.append(["code", "name", "kind"])
    for _ in range(30_000):
        book.active.append(["U", "甲" * 10, "team"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRefused, match="unpacks|larger"):
        read(buffer.getvalue(), "org.xlsx")


def test_repeated_columns_are_refused(db):
    problems = load(workbook(units=[["code", "name", "name", "kind"], ["U1", "甲", "乙", "team"]])).problems
    assert any("more than once" in p.message for p in problems)


def test_a_heading_position_cannot_leave_its_unit_and_an_indicator_appears_once_in_a_set(seed_org):
    head = Department.objects.get(code="MKT-MR").head
    moved = load(workbook(positions=[["code", "title", "unit", "headcount"], [head.code, head.title, "MKT-SA", 1]]))
    assert any(p.column == "unit" and "heads MKT-MR" in p.message for p in moved.problems)
    twice = load(workbook(kpi_items=[["kpi_set", "order", "indicator", "weight"], ["KS-BRAND", 1, "R-SALES", 50],
                                     ["KS-BRAND", 2, "R-SALES", 50]]))  # fmt: skip
    assert any(p.column == "indicator" and "Repeats row 2" in p.message for p in twice.problems)


def test_the_models_rules_across_fields_hold_too(seed_org):
    problems = load(workbook(indicators=[["code", "name", "dimension", "kind", "direction"],
                                         ["ZZ1", "无方向", "results", "quantitative", ""]])).problems  # fmt: skip
    assert any(p.column == "direction" for p in problems)
