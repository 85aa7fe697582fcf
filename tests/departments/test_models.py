import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Department
from departments.services import department_delete, department_update
from orgdesign.exceptions import ConcurrentUpdate, Conflict
from tests.factories import make_position, make_unit

pytestmark = pytest.mark.django_db


def test_codes_are_unique_in_the_database():
    make_unit(code="X1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.create(code="X1", name="重复")


def test_a_unit_cannot_be_its_own_parent_in_the_database():
    unit = make_unit()
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.filter(pk=unit.pk).update(parent=unit)


def test_a_unit_cannot_be_its_own_parent_through_the_service():
    unit = make_unit(name="市场部")
    with pytest.raises(ValidationError) as error:
        department_update(department=unit, parent=unit)
    assert "市场部 → 市场部" in error.value.message_dict["parent"][0]


def test_a_chain_of_three_cannot_close_into_a_cycle():
    top = make_unit(name="甲")
    middle = make_unit(name="乙", parent=top)
    bottom = make_unit(name="丙", parent=middle)
    with pytest.raises(ValidationError) as error:
        department_update(department=top, parent=bottom)
    assert error.value.message_dict["parent"] == ["A unit cannot be placed below itself: 甲 → 丙 → 乙 → 甲."]
    top.refresh_from_db()
    assert top.parent_id is None


def test_moving_a_unit_moves_its_subtree_paths():
    left = make_unit()
    right = make_unit()
    child = make_unit(parent=left)
    grandchild = make_unit(parent=child)
    department_update(department=child, parent=right)
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{right.pk}/{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 2
    assert set(Department.objects.filter(path__startswith=right.path)) == {right, child, grandchild}


def test_the_heading_position_must_belong_to_the_unit():
    unit = make_unit()
    elsewhere = make_position()
    with pytest.raises(ValidationError) as error:
        department_update(department=unit, head=elsewhere)
    assert "head" in error.value.message_dict


def test_a_position_heads_at_most_one_unit():
    unit = make_unit()
    position = make_position(department=unit)
    department_update(department=unit, head=position)
    other = make_unit()
    with pytest.raises(IntegrityError), transaction.atomic():
        Department.objects.filter(pk=other.pk).update(head=position)


def test_a_stale_revision_is_refused_and_changes_nothing():
    unit = make_unit(name="旧名")
    seen = unit.revision
    department_update(department=Department.objects.get(pk=unit.pk), name="甲改", expected_revision=seen)
    with pytest.raises(ConcurrentUpdate):
        department_update(department=Department.objects.get(pk=unit.pk), name="乙改", expected_revision=seen)
    assert Department.objects.get(pk=unit.pk).name == "甲改"


def test_a_unit_with_positions_cannot_be_deleted():
    unit = make_unit()
    make_position(department=unit)
    with pytest.raises(Conflict):
        department_delete(department=unit)
    assert Department.objects.filter(pk=unit.pk).exists()


def test_an_empty_unit_can_be_deleted():
    unit = make_unit()
    department_delete(department=unit)
    assert not Department.objects.filter(pk=unit.pk).exists()
