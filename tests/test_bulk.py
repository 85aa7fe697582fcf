"""Plain-row inserts and column updates write what the model layer would have written."""

from decimal import Decimal

import pytest

from departments.models import Department
from orgdesign.bulk import insert_rows, update_column
from positions.models import DescriptionVersion, Duty, Position, WorkStandard

pytestmark = pytest.mark.django_db


def test_inserted_rows_read_back_as_written_with_the_model_defaults():
    unit = Department.objects.create(code="U", name="部门")
    insert_rows(Position, [
        {"code": "P1", "title": "经理 😀", "department_id": unit.pk, "is_key": True, "grade": None},
        {"code": "P2", "title": '<b>"引号", 逗号</b>\n第二行', "department_id": unit.pk},
    ])  # fmt: skip
    first, second = Position.objects.order_by("code")
    assert (first.title, first.is_key, first.grade, first.revision, first.headcount) == ("经理 😀", True, None, 1, 1)
    assert second.title == '<b>"引号", 逗号</b>\n第二行' and second.is_key is False
    assert first.created is not None and first.created == first.updated

    insert_rows(Duty, [{"position_id": first.pk, "text": "\\N", "order": 1}, {"position_id": first.pk, "text": ""}])
    assert sorted(Duty.objects.values_list("text", flat=True)) == ["", "\\N"]
    insert_rows(WorkStandard, [{"position_id": first.pk, "measure": "完成率", "target": Decimal("95.50")}])
    assert WorkStandard.objects.get().target == Decimal("95.50")
    snapshot = {"duties": [{"text": '职责, "引号"'}], "n": 1, "none": None}
    insert_rows(DescriptionVersion, [{"position_id": first.pk, "number": 1, "snapshot": snapshot, "source": "import"}])
    version = DescriptionVersion.objects.get()
    assert version.snapshot == snapshot and version.note == "" and version.published is not None


def test_a_column_is_updated_row_by_row():
    unit = Department.objects.create(code="U", name="部门")
    head = Position.objects.create(code="H", title="总监", department=unit)
    others = [Position.objects.create(code=f"P{i}", title="岗位", department=unit) for i in range(3)]
    update_column(Position, "reports_to", {others[0].pk: head.pk, others[1].pk: head.pk, others[2].pk: None})
    update_column(Position, "grade", {others[0].pk: 7})
    assert list(Position.objects.filter(pk__in=[o.pk for o in others]).order_by("pk").values_list(
        "reports_to_id", "grade")) == [(head.pk, 7), (head.pk, None), (None, None)]  # fmt: skip


def test_among_matches_like_in_whatever_the_length_of_the_list():
    unit = Department.objects.create(code="U", name="部门")
    insert_rows(Position, [{"code": f"P{i}", "title": "岗位", "department_id": unit.pk} for i in range(3000)])
    codes = [f"P{i}" for i in range(0, 6000, 2)]  # half of them exist
    assert Position.objects.filter(code__among=codes).count() == 1500
    assert Position.objects.exclude(code__among=codes).count() == 1500
    ids = list(Position.objects.values_list("id", flat=True)[:10])
    assert set(Position.objects.filter(id__among=ids).values_list("id", flat=True)) == set(ids)
    assert Position.objects.filter(code__among=[]).count() == 0
    assert Position.objects.filter(department__among=[unit]).count() == 3000


def test_a_prepared_read_answers_as_the_orm_does_and_compiles_once(seed_org):
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orgdesign.prepared import PreparedRead

    def build(ids):
        return WorkStandard.objects.filter(position_id__among=ids).order_by("position_id", "id").values(
            "id", "position_id", "measure", "target", "duty"
        )  # fmt: skip

    read = PreparedRead(build, largest=20)
    ids = list(Position.objects.order_by("id").values_list("id", flat=True))
    for position_id, target in zip(ids[:8], ["12.5", "0.0001", "99"], strict=False):
        WorkStandard.objects.create(position_id=position_id, measure="达成率", target=Decimal(target), unit="%")
    assert any(row["target"] is not None for row in build(ids))  # decimals go through their converters
    for chosen in (ids[:1], ids[:7], ids[3:10], ids[:21], [ids[5], ids[2], ids[5]], [-1]):
        assert read(chosen) == list(build(chosen)), chosen
    assert read([]) == []
    never = mock.patch("django.db.models.sql.compiler.SQLCompiler.as_sql", side_effect=AssertionError("compiled"))
    with never, CaptureQueriesContext(connection) as captured:
        read(ids[10:17]), read(ids[20:27])
    assert len(captured) == 2
