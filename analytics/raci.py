"""Reads of cross-unit processes: the RACI matrix of a process, the roles of a position, what is wrong."""

from collections import Counter

from django.db.models import F
from django.utils.translation import gettext as _

from analytics.choices import RaciRole
from analytics.models import ProcessStep, RaciAssignment
from orgdesign import access
from positions.models import Position

POSITION_ORDER = ("position__department__path", "position__order", "position_id")


def visible_position_ids(user, position_ids):
    """The ids among `position_ids` that `user` may see (one query; none for HR and API readers)."""
    if access.reads_whole_organisation(user):
        return set(position_ids)
    return set(access.visible(user, Position.objects.filter(pk__among=position_ids)).values_list("pk", flat=True))


def step_label(order, name):
    return f"{order}. {name}"


def step_problem(label, accountable):
    """Why a step that has assignments breaks the one-Accountable rule, or None."""
    if accountable == 1:
        return None
    if accountable == 0:
        return _("%(step)s: no Accountable position (needs exactly one).") % {"step": label}
    return _("%(step)s: %(count)s Accountable positions (needs exactly one).") % {"step": label, "count": accountable}


def process_steps(process_ids, *, user):
    """The steps of these processes: {process id: [step]}, for the API and the matrix.

    Each step is {id, order, name, name_en, description, assignments: [{position, role}],
    problem}, with the assignments of the positions `user` may see. `problem` says why a step
    with assignments has not exactly one Accountable (else None): the services never save
    one, but a position deleted while Accountable leaves one behind. Two queries (three for
    a manager or employee).
    """
    steps, by_id = {pk: [] for pk in process_ids}, {}
    rows = ProcessStep.objects.filter(process_id__in=process_ids).order_by("process_id", "order", "id")
    for row in rows.values("id", "process_id", "order", "name", "name_en", "description"):
        row["assignments"] = []
        by_id[row["id"]] = row
        steps[row.pop("process_id")].append(row)
    assignments = RaciAssignment.objects.filter(step_id__in=by_id).order_by(*POSITION_ORDER)
    assignments = list(assignments.values_list("step_id", "position_id", "role"))
    seen = visible_position_ids(user, {position for _step, position, _role in assignments})
    accountable = Counter(step for step, _position, role in assignments if role == RaciRole.ACCOUNTABLE)
    for step, position, role in assignments:
        if position in seen:
            by_id[step]["assignments"].append({"position": position, "role": role})
    assigned = {step for step, _position, _role in assignments}
    for step in by_id.values():
        label = step_label(step["order"], step["name"])
        step["problem"] = step_problem(label, accountable[step["id"]]) if step["id"] in assigned else None
    return steps


def process_matrix(process, *, user):
    """The RACI matrix of `process`: steps as rows, the positions involved that `user` may see as columns.

    {"positions": [{id, code, title, title_en, unit_name}], "steps": [{id, order, name,
    name_en, description, roles: [the role or "" for each column], problem}]}; columns in
    the order of the unit tree, then of the positions within a unit. Three or four queries.
    """
    steps = process_steps([process.pk], user=user)[process.pk]
    involved = {a["position"] for step in steps for a in step["assignments"]}
    positions = list(
        Position.objects.filter(pk__among=involved)
        .order_by("department__path", "order", "id")
        .values("id", "code", "title", "title_en", unit_name=F("department__name"))
    )
    column = {position["id"]: index for index, position in enumerate(positions)}
    for step in steps:
        roles = [""] * len(positions)
        for assignment in step.pop("assignments"):
            roles[column[assignment["position"]]] = assignment["role"]
        step["roles"] = roles
    return {"positions": positions, "steps": steps}


def position_raci_roles(position):
    """Every step in which `position` has a role: [{process, process_name, process_name_en, step, step_order,
    step_name, step_name_en, role, role_label}], in process and step order (one query)."""
    rows = (
        RaciAssignment.objects.filter(position=position)
        .order_by("step__process__order", "step__process__code", "step__order", "step_id")
        .values(
            "role",
            process=F("step__process"),
            process_name=F("step__process__name"),
            process_name_en=F("step__process__name_en"),
            step_order=F("step__order"),
            step_name=F("step__name"),
            step_name_en=F("step__name_en"),
        )  # fmt: skip
    )
    return [{**row, "role_label": RaciRole(row["role"]).label} for row in rows]
