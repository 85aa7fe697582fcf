import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgdesign.exceptions import ConcurrentUpdate, Conflict
from positions.models import DescriptionVersion, Duty, Employee, Position, WorkStandard
from positions.selectors import position_list_with_headcount
from positions.services import (
    description_publish,
    employee_update,
    position_delete,
    position_update,
)
from tests.factories import make_employee, make_position, make_unit

pytestmark = pytest.mark.django_db


def test_position_codes_are_unique_in_the_database():
    make_position(code="P-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(code="P-1", title="重复", department=make_unit())


def test_headcount_cannot_be_negative_in_the_database():
    position = make_position()
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(headcount=-1)


def test_a_position_cannot_report_to_itself_in_the_database():
    position = make_position()
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.filter(pk=position.pk).update(reports_to=position)


def test_a_position_cannot_report_to_itself_through_the_service():
    position = make_position(title="经理")
    with pytest.raises(ValidationError) as error:
        position_update(position=position, reports_to=position)
    assert "经理 → 经理" in error.value.message_dict["reports_to"][0]


def test_a_position_cannot_report_to_someone_three_levels_below_it():
    director = make_position(title="总监")
    manager = make_position(title="经理", reports_to=director)
    specialist = make_position(title="专员", reports_to=manager)
    with pytest.raises(ValidationError) as error:
        position_update(position=director, reports_to=specialist)
    assert error.value.message_dict["reports_to"] == [
        "A position cannot report to itself or to anyone below it: 总监 → 专员 → 经理 → 总监."
    ]
    director.refresh_from_db()
    assert director.reports_to_id is None


def test_a_position_cannot_be_filled_beyond_its_headcount():
    position = make_position(headcount=1, title="品牌经理")
    make_employee(position=position)
    with pytest.raises(ValidationError) as error:
        make_employee(position=position)
    assert error.value.message_dict["position"] == ["品牌经理 is full: 1 of 1 planned seats are taken."]
    assert Employee.objects.filter(position=position).count() == 1


def test_an_inactive_person_does_not_take_a_seat():
    position = make_position(headcount=1)
    make_employee(position=position, active=False)
    make_employee(position=position)
    row = position_list_with_headcount().get(pk=position.pk)
    assert row.filled == 1


def test_headcount_cannot_drop_below_the_current_holders():
    position = make_position(headcount=2)
    make_employee(position=position)
    make_employee(position=position)
    with pytest.raises(ValidationError) as error:
        position_update(position=position, headcount=1)
    assert "headcount" in error.value.message_dict


def test_vacancies_are_planned_minus_active_holders():
    position = make_position(headcount=3)
    make_employee(position=position)
    row = position_list_with_headcount().get(pk=position.pk)
    assert (row.headcount, row.filled, row.headcount - row.filled) == (3, 1, 2)


def test_a_stale_revision_is_refused_and_changes_nothing():
    position = make_position(title="旧")
    seen = position.revision
    position_update(position=Position.objects.get(pk=position.pk), title="甲", expected_revision=seen)
    with pytest.raises(ConcurrentUpdate):
        position_update(position=Position.objects.get(pk=position.pk), title="乙", expected_revision=seen)
    assert Position.objects.get(pk=position.pk).title == "甲"


def test_a_stale_employee_revision_is_refused():
    person = make_employee(name="甲")
    seen = person.revision
    employee_update(employee=Employee.objects.get(pk=person.pk), name="乙", expected_revision=seen)
    with pytest.raises(ConcurrentUpdate):
        employee_update(employee=Employee.objects.get(pk=person.pk), name="丙", expected_revision=seen)


def test_a_position_with_subordinates_or_holders_cannot_be_deleted():
    boss = make_position()
    make_position(reports_to=boss)
    with pytest.raises(Conflict):
        position_delete(position=boss)
    held = make_position()
    make_employee(position=held)
    with pytest.raises(Conflict):
        position_delete(position=held)


def test_a_work_standard_links_only_to_a_duty_of_its_own_position():
    own = make_position()
    other = make_position()
    duty = Duty.objects.create(position=other, text="别人的职责")
    standard = WorkStandard(position=own, measure="客户满意度", duty=duty)
    with pytest.raises(ValidationError) as error:
        standard.full_clean()
    assert "duty" in error.value.message_dict


def test_publishing_records_a_version_only_when_the_description_changed():
    position = make_position()
    Duty.objects.create(position=position, text="制定计划", order=1)
    first = description_publish(position=position)
    assert first.number == 1
    assert first.snapshot["duties"][0]["text"] == "制定计划"
    assert description_publish(position=position) is None
    Duty.objects.create(position=position, text="管理团队", order=2)
    second = description_publish(position=position)
    assert second.number == 2
    assert [v.number for v in DescriptionVersion.objects.filter(position=position)] == [2, 1]


def test_version_numbers_are_unique_per_position_in_the_database():
    position = make_position()
    DescriptionVersion.objects.create(position=position, number=1, snapshot={}, source="admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        DescriptionVersion.objects.create(position=position, number=1, snapshot={}, source="admin")


def test_the_service_refuses_deleting_a_unit_the_admin_would_protect_too():
    from departments.services import department_delete

    unit = make_unit()
    make_unit(parent=unit)
    with pytest.raises(Conflict):
        department_delete(department=unit)
