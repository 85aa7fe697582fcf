"""Load the seed's cross-unit processes (`orgdesign/seed/processes.py`); a second run changes nothing."""

from analytics.models import Process
from analytics.services import process_write
from departments.models import Department
from orgdesign.seed.processes import PROCESSES
from positions.models import Position


def _stored_steps(process):
    """[(name, name_en, description, {position id: role})] of a stored process, in order."""
    steps = []
    for step in process.steps.prefetch_related("assignments").order_by("order", "id"):
        roles = {assignment.position_id: assignment.role for assignment in step.assignments.all()}
        steps.append((step.name, step.name_en, step.description, roles))
    return steps


def load_processes():
    units = Department.objects.in_bulk(field_name="code")
    positions = Position.objects.in_bulk(field_name="code")
    for order, (code, owner, name, name_en, description, steps) in enumerate(PROCESSES, 1):
        fields = {"owner": units[owner], "name": name, "name_en": name_en, "description": description, "order": order}
        wanted = [
            (step, step_en, text, {positions[position].pk: role for position, role in roles.items()})
            for step, step_en, text, roles in steps
        ]
        process = Process.objects.filter(code=code).first()
        if process is None:
            process, existing = Process(code=code), []
        else:
            unchanged = all(getattr(process, name) == value for name, value in fields.items())
            if unchanged and _stored_steps(process) == wanted:
                continue
            existing = list(process.steps.order_by("order", "id").values_list("id", flat=True))
        by_id = {position.pk: position for position in positions.values()}
        process_write(
            process=process,
            fields=fields,
            steps=[
                {
                    "id": existing[index] if index < len(existing) else None,
                    "name": step,
                    "name_en": step_en,
                    "description": text,
                    "assignments": [{"position": by_id[pk], "role": role} for pk, role in roles.items()],
                }
                for index, (step, step_en, text, roles) in enumerate(wanted)
            ],
        )
