"""Every write to cross-unit processes and their RACI matrices (API, pages, admin, seed)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from analytics.choices import RaciRole
from analytics.models import Process, ProcessStep, RaciAssignment
from orgdesign.services import assign_fields, claim_revision

PROCESS_FIELDS = ("code", "name", "name_en", "description", "owner", "order")
STEP_FIELDS = ("name", "name_en", "description")


@transaction.atomic
def process_write(*, process=None, fields=None, steps=None, expected_revision=None):
    """Create or change a process; `steps`, when given, replace its steps and their RACI matrix.

    Each step is {id (to keep an existing step; absent for a new one), name, name_en,
    description, assignments: [{position, role}]}; steps left out are deleted and the order
    is the order given. A step without `assignments` keeps the ones it has. A step with
    assignments has exactly one Accountable, or nothing is saved. `expected_revision` is
    the revision the writer read; a stale one is refused (`ConcurrentUpdate`).
    """
    process = process or Process()
    assign_fields(process, PROCESS_FIELDS, fields or {})
    process.full_clean()
    if process.pk is not None:
        claim_revision(process, expected_revision)
    process.save()
    if steps is not None:
        _replace_steps(process, steps)
    return process


@transaction.atomic
def process_delete(*, process, expected_revision=None):
    """Delete a process with its steps and assignments."""
    claim_revision(process, expected_revision)
    process.delete()


def _replace_steps(process, steps):
    existing = {step.pk: step for step in process.steps.all()}
    current = {}
    for assignment in RaciAssignment.objects.filter(step__process=process):
        current.setdefault(assignment.step_id, {})[assignment.position_id] = assignment
    kept = set()
    for index, data in enumerate(steps, 1):
        key = f"steps[{index - 1}]"
        step_id = data.get("id")
        if step_id is not None and step_id not in existing:
            message = _("There is no step with id %(id)s in this process.") % {"id": step_id}
            raise ValidationError({f"{key}.id": message})
        if step_id in kept:
            raise ValidationError({f"{key}.id": _("Step %(id)s is listed twice.") % {"id": step_id}})
        step = existing.get(step_id) or ProcessStep(process=process)
        changed = step.pk is None or step.order != index
        step.order = index
        for name in STEP_FIELDS:
            value = data.get(name, "")
            changed |= getattr(step, name) != value
            setattr(step, name, value)
        try:
            step.full_clean(exclude=["process"])
        except ValidationError as error:
            raise ValidationError({f"{key}.{k}": v for k, v in error.message_dict.items()}) from error
        if changed:
            step.save()
        kept.add(step.pk)
        if "assignments" in data:
            wanted = _checked_roles(step, key, data["assignments"])
            _write_roles(step, current.get(step.pk, {}), wanted)
    for step_id, step in existing.items():
        if step_id not in kept:
            step.delete()


def _checked_roles(step, key, assignments):
    """{position: role} of one step, refused unless each position is there once and exactly one is Accountable."""
    wanted = {}
    for index, assignment in enumerate(assignments):
        position, role = assignment["position"], assignment["role"]
        if position in wanted:
            raise ValidationError({f"{key}.assignments[{index}].position": _(
                "%(position)s has more than one role in step %(step)s."
            ) % {"position": position, "step": step}})  # fmt: skip
        if role not in RaciRole.values:
            raise ValidationError({f"{key}.assignments[{index}].role": _(
                "“%(role)s” is not a RACI role; use R, A, C or I."
            ) % {"role": role}})  # fmt: skip
        wanted[position] = role
    accountable = [position for position, role in wanted.items() if role == RaciRole.ACCOUNTABLE]
    if wanted and len(accountable) != 1:
        if accountable:
            message = _("Step %(step)s has %(count)s Accountable positions (%(positions)s); it needs exactly one.") % {
                "step": step, "count": len(accountable), "positions": ", ".join(str(p) for p in accountable),
            }  # fmt: skip
        else:
            message = _("Step %(step)s has no Accountable position; it needs exactly one.") % {"step": step}
        raise ValidationError({f"{key}.assignments": message})
    return wanted


def _write_roles(step, current, wanted):
    """Bring a step's assignments to `wanted`, touching only what differs.

    Deletions and moves away from A come before a move to A, so the database's one-A rule
    holds after every statement.
    """
    wanted = {position.pk: role for position, role in wanted.items()}
    for position_id, assignment in current.items():
        if position_id not in wanted:
            assignment.delete()
    changed = [a for position_id, a in current.items() if position_id in wanted and wanted[position_id] != a.role]
    for assignment in sorted(changed, key=lambda a: wanted[a.position_id] == RaciRole.ACCOUNTABLE):
        assignment.role = wanted[assignment.position_id]
        assignment.save()
    for position_id, role in wanted.items():
        if position_id not in current:
            RaciAssignment.objects.create(step=step, position_id=position_id, role=role)
