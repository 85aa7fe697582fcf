"""Keeping roles and object permissions in step with the organisation (the bookkeeping behind `access`).

`orgdesign.access` answers who may see and do what; these services change what it reads: the
employee and manager groups a login is in, and the object permissions (django-guardian) on
appraisals. They run in the caller's transaction, set-based.
"""

from django.contrib.auth.models import Group
from django.db.models import Q

from orgdesign.access import DEPARTMENT_MANAGER, EMPLOYEE


def grant_appraisal_permissions(appraisal_ids):
    """Rebuild the object permissions of these appraisals from who they belong to now.

    The subject's login may view; the reviewer's login may view and change. Set-based: one
    DELETE and one INSERT per batch, in the caller's transaction.
    """
    from django.contrib.auth.models import Permission

    from appraisal.models import Appraisal, AppraisalUserPermission

    ids = list(appraisal_ids)
    if not ids:
        return
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="appraisal", codename__in=["view_appraisal", "change_appraisal"]
        ).values_list("codename", "id")
    )
    AppraisalUserPermission.objects.filter(content_object_id__in=ids).delete()
    rows = []
    for appraisal_id, subject_user, reviewer_user in Appraisal.objects.filter(pk__in=ids).values_list(
        "id", "employee__user_id", "reviewer__user_id"
    ):
        if subject_user is not None:
            rows.append(AppraisalUserPermission(content_object_id=appraisal_id, user_id=subject_user,
                                                permission_id=perms["view_appraisal"]))  # fmt: skip
        if reviewer_user is not None:
            if reviewer_user != subject_user:
                rows.append(AppraisalUserPermission(content_object_id=appraisal_id, user_id=reviewer_user,
                                                    permission_id=perms["view_appraisal"]))  # fmt: skip
            rows.append(AppraisalUserPermission(content_object_id=appraisal_id, user_id=reviewer_user,
                                                permission_id=perms["change_appraisal"]))  # fmt: skip
    from appraisal.models import Appeal

    for appraisal_id, decider in Appeal.objects.filter(
        appraisal_id__in=ids, state="open", decider__isnull=False
    ).values_list("appraisal_id", "decider_id"):
        rows.append(AppraisalUserPermission(content_object_id=appraisal_id, user_id=decider,
                                            permission_id=perms["view_appraisal"]))  # fmt: skip
    AppraisalUserPermission.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def follow_organisation(*, employees=(), positions=()):
    """After people or positions change: roles, reviewers and appraisal permissions follow.

    `employees` and `positions` are objects with `pk` (and, for people, `position_id`).

    - a login holding an active position is in the employee role; holding one others report to
      puts it in the manager role, and leaving it takes the role away;
    - in cycles not yet closed, the appraisals of the people concerned (and of those who report
      to their positions) get their reviewer resolved again and their permissions rebuilt.
    Closed cycles keep who reviewed them.
    """
    from appraisal.choices import CycleState
    from appraisal.models import Appraisal
    from appraisal.services import reassign_reviewers
    from positions.models import Employee, Position

    appraised = Appraisal.objects.exists()
    if not appraised and not Employee.objects.filter(user__isnull=False).exists():
        return  # no login to give a role to and no appraisal to reassign (a new organisation, a first import)
    employee_ids = {e.pk for e in employees}
    position_ids = {p.pk for p in positions} | {e.position_id for e in employees if e.position_id}
    superiors = Position.objects.filter(pk__among=position_ids, reports_to__isnull=False).values_list(
        "reports_to", flat=True
    )
    position_ids |= set(superiors)
    position_ids |= set(Position.objects.filter(reports_to__among=position_ids).values_list("pk", flat=True))
    people = Employee.objects.filter(
        Q(pk__among=employee_ids) | Q(position_id__among=position_ids), user__isnull=False
    ).select_related("user")
    manager_positions = set(
        Position.objects.filter(
            subordinates__isnull=False, pk__among=position_ids | {e.position_id for e in employees}
        ).values_list("pk", flat=True)
    )
    groups = {g.name: g for g in Group.objects.filter(name__among=[EMPLOYEE, DEPARTMENT_MANAGER])}
    for person in people:
        if person.user is None:
            continue
        _set_membership(person.user, groups.get(EMPLOYEE), person.active and person.position_id is not None)
        _set_membership(person.user, groups.get(DEPARTMENT_MANAGER),
                        person.active and person.position_id in manager_positions)  # fmt: skip
    if not appraised:
        return
    affected = Appraisal.objects.exclude(cycle__state=CycleState.CLOSED).filter(
        Q(employee_id__among=employee_ids) | Q(reviewer_id__among=employee_ids) | Q(position_id__among=position_ids)
    )
    ids = list(affected.values_list("pk", flat=True))
    reassign_reviewers(ids)
    own = Appraisal.objects.filter(
        Q(employee_id__among=employee_ids) | Q(reviewer_id__among=employee_ids), cycle__state=CycleState.CLOSED
    )
    grant_appraisal_permissions(ids + list(own.values_list("pk", flat=True)))


def _set_membership(user, group, member):
    if group is None:
        return
    if member:
        user.groups.add(group)
    else:
        user.groups.remove(group)


def forget_login(user_id):
    """A login no longer tied to a person loses the roles and appraisal permissions it had through them."""
    from appraisal.models import AppraisalUserPermission

    groups = Group.objects.filter(name__in=[EMPLOYEE, DEPARTMENT_MANAGER])
    Group.user_set.through.objects.filter(user_id=user_id, group__in=groups).delete()
    AppraisalUserPermission.objects.filter(user_id=user_id).exclude(content_object__cycle__state="closed").delete()
