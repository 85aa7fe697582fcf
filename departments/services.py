"""Every write to units goes through these functions (admin, API, import, commands)."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Now, Substr
from django.utils.translation import gettext as _

from departments.models import Department
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision, record_deletion

DEPARTMENT_FIELDS = ("code", "name", "name_en", "kind", "parent", "function", "function_en", "head", "order")


def _refresh_tree_path(department):
    """Recompute `path`/`depth` of a unit and move its whole subtree with it in one UPDATE."""
    old_path = department.path
    parent = department.parent
    new_path = f"{parent.path if parent else '/'}{department.pk}/"
    new_depth = parent.depth + 1 if parent else 0
    if old_path == new_path and department.depth == new_depth:
        return
    Department.objects.filter(pk=department.pk).update(path=new_path, depth=new_depth)
    if old_path != "/":
        Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (new_depth - department.depth),
            updated=Now(),
        )
    department.path, department.depth = new_path, new_depth


@transaction.atomic
def department_save(*, department, expected_revision=None):
    """Validate and store a new or changed unit, keeping the tree paths right.

    `expected_revision` is the revision the writer read; a stale one is refused
    (`ConcurrentUpdate`).
    """
    department.full_clean()
    if department.pk is None:
        department.save()
    else:
        claim_revision(department, expected_revision)
        department.save()
    _refresh_tree_path(department)
    return department


def department_create(**fields):
    department = Department()
    assign_fields(department, DEPARTMENT_FIELDS, fields)
    return department_save(department=department)


def department_update(*, department, expected_revision=None, **fields):
    assign_fields(department, DEPARTMENT_FIELDS, fields)
    return department_save(department=department, expected_revision=expected_revision)


@transaction.atomic
def department_delete(*, department, expected_revision=None):
    """Delete a unit that holds no positions and no sub-units; otherwise refuse (409)."""
    if department.children.exists():
        raise Conflict(_("%(unit)s still has sub-units; move or delete them first.") % {"unit": department})
    if department.positions.exists():
        raise Conflict(_("%(unit)s still has positions; move or delete them first.") % {"unit": department})
    claim_revision(department, expected_revision)
    record_deletion(department, resource="departments")
    department.delete()
