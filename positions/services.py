"""Every write to positions, their descriptions and employees goes through these functions.

The admin, the API, imports and management commands all call them, so each rule holds
whichever way a change comes in.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from orgdesign.choices import ChangeSource
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision
from positions.models import DescriptionVersion, Employee, Position
from positions.selectors import description_snapshot

POSITION_FIELDS = (
    "code",
    "title",
    "title_en",
    "department",
    "reports_to",
    "grade",
    "headcount",
    "is_key",
    "purpose",
    "purpose_en",
    "order",
)
EMPLOYEE_FIELDS = ("employee_no", "name", "name_en", "email", "user", "position", "start_date", "active")


@transaction.atomic
def position_save(*, position, expected_revision=None):
    """Validate and store a new or changed position (not its description parts).

    Refuses reporting cycles (naming the chain), a headcount below the current holders,
    and a stale `expected_revision`.
    """
    position.full_clean()
    if position.pk is not None:
        claim_revision(position, expected_revision)
    position.save()
    return position


def position_create(**fields):
    position = Position()
    assign_fields(position, POSITION_FIELDS, fields)
    return position_save(position=position)


def position_update(*, position, expected_revision=None, **fields):
    assign_fields(position, POSITION_FIELDS, fields)
    return position_save(position=position, expected_revision=expected_revision)


@transaction.atomic
def position_delete(*, position, expected_revision=None):
    """Delete a position nobody reports to and nobody holds; otherwise refuse (409)."""
    if position.subordinates.exists():
        raise Conflict(
            _("Other positions report to %(position)s; give them a new superior first.") % {"position": position}
        )
    if position.holders.exists():
        raise Conflict(
            _("%(position)s still has holders; move them to another position first.") % {"position": position}
        )
    claim_revision(position, expected_revision)
    position.delete()


@transaction.atomic
def description_publish(*, position, user=None, reviewer=None, source=ChangeSource.ADMIN, note=""):
    """Record the position's current description as its next version, if it changed.

    Call after the description parts are written, in the same transaction. Returns the
    new `DescriptionVersion`, or None when the description equals the latest version.
    """
    position = (
        Position.objects.select_related("department", "reports_to")
        .prefetch_related("duties", "authorities", "standards")
        .get(pk=position.pk)
    )
    snapshot = description_snapshot(position)
    latest = position.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return None
    return DescriptionVersion.objects.create(
        position=position,
        number=(latest.number if latest else 0) + 1,
        snapshot=snapshot,
        author=user,
        reviewer=reviewer,
        source=source,
        note=note,
    )


@transaction.atomic
def employee_save(*, employee, expected_revision=None):
    """Validate and store a person. A position holds at most its planned headcount of active people."""
    if employee.position_id is not None:
        # Serialise hires into the same position so two cannot take its last seat at once.
        Position.objects.select_for_update().filter(pk=employee.position_id).first()
    employee.full_clean()
    if employee.pk is not None:
        claim_revision(employee, expected_revision)
    employee.save()
    return employee


def employee_create(**fields):
    employee = Employee()
    assign_fields(employee, EMPLOYEE_FIELDS, fields)
    return employee_save(employee=employee)


def employee_update(*, employee, expected_revision=None, **fields):
    assign_fields(employee, EMPLOYEE_FIELDS, fields)
    return employee_save(employee=employee, expected_revision=expected_revision)


@transaction.atomic
def employee_delete(*, employee, expected_revision=None):
    claim_revision(employee, expected_revision)
    employee.delete()
