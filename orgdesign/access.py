"""Who may see and do what: the one set of rules the API, the pages and the admin all call.

Roles are groups (created by a migration): HR admin (everything), department manager (their
unit's subtree; the appraisals of the people they review), employee (their own position,
the positions of their unit, their own appraisal), API reader (the organisation, read-only;
appraisals only if HR grants it). Managers' and employees' scopes come from the position
they hold, so they follow the organisation as it changes. Lists are filtered in the query,
never after it; a user gets 404 for what they may not see.
"""

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

HR_ADMIN = "HR admin"
DEPARTMENT_MANAGER = "Department manager"
EMPLOYEE = "Employee"
API_READER = "API reader"
ROLES = (HR_ADMIN, DEPARTMENT_MANAGER, EMPLOYEE, API_READER)


def _memo(user, key, compute):
    """Per-request memo on the user object: each fact costs at most one query per request."""
    cache = user.__dict__.setdefault("_access_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def roles(user):
    if not user.is_authenticated:
        return frozenset()
    return _memo(user, "roles", lambda: frozenset(user.groups.values_list("name", flat=True)))


def is_hr(user):
    return user.is_authenticated and (user.is_superuser or HR_ADMIN in roles(user))


def reads_whole_organisation(user):
    return is_hr(user) or API_READER in roles(user)


def employee_of(user):
    """The active person record of a login, with their position and unit (or None)."""
    if not user.is_authenticated:
        return None
    from positions.models import Employee

    return _memo(
        user,
        "employee",
        lambda: Employee.objects.select_related("position__department").filter(user=user, active=True).first(),
    )


def _unit_path(user):
    """The tree path this user may read below: their unit's subtree if they manage, else None."""
    person = employee_of(user)
    if person is None or person.position is None:
        return None
    return person.position.department.path


def is_manager(user):
    return DEPARTMENT_MANAGER in roles(user) and _unit_path(user) is not None


# --- the organisation ------------------------------------------------------------------------


def _organisation_scope(user, queryset, *, path, own):
    """Whole organisation for HR and API readers; a manager's unit subtree (`path` prefix); else `own(person)`."""
    if reads_whole_organisation(user):
        return queryset
    person = employee_of(user)
    if person is None or person.position is None:
        return queryset.none()
    if is_manager(user):
        return queryset.filter(**{f"{path}__startswith": person.position.department.path})
    return queryset.filter(own(person))


def departments_for(user, queryset):
    """Managers: their unit and everything below it. Employees: their unit."""
    return _organisation_scope(user, queryset, path="path", own=lambda person: Q(pk=person.position.department_id))


def positions_for(user, queryset):
    """Managers: every position in their unit's subtree. Employees: the positions of their unit."""
    return _organisation_scope(
        user, queryset, path="department__path", own=lambda person: Q(department_id=person.position.department_id)
    )


def employees_for(user, queryset):
    """Managers: the people in their unit's subtree. Employees: themselves."""
    return _organisation_scope(user, queryset, path="position__department__path", own=lambda person: Q(pk=person.pk))


def kpi_sets_for(user, queryset):
    """HR and API readers: every KPI set. Others: the sets of the positions they may see (their targets included)."""
    if reads_whole_organisation(user):
        return queryset
    from positions.models import Position

    visible_positions = positions_for(user, Position.objects.all()).values("pk")
    return queryset.filter(pk__in=queryset.model.positions.through.objects.filter(
        position_id__in=visible_positions).values("kpiset_id"))  # fmt: skip


# --- appraisals ------------------------------------------------------------------------------


def sees_all_appraisals(user):
    """HR, or someone HR granted the global view permission on appraisals (an API reader, say)."""
    return is_hr(user) or _memo(user, "all_appraisals", lambda: user.has_perm("appraisal.view_appraisal"))


def appraisals_for(user, queryset):
    """HR: all. Others: those they hold an object permission on (their own; those they review)."""
    if not user.is_authenticated:
        return queryset.none()
    if sees_all_appraisals(user):
        return queryset
    return get_objects_for_user(user, "appraisal.view_appraisal", klass=queryset, accept_global_perms=False)


def cycles_for(user, queryset):
    if sees_all_appraisals(user):
        return queryset
    from appraisal.models import Appraisal

    visible = appraisals_for(user, Appraisal.objects.all()).values("cycle_id")
    return queryset.filter(pk__in=visible)


def decides_appeal_of(user, appraisal):
    """Whether HR named `user` to decide the open appeal of `appraisal`."""
    from appraisal.models import Appeal

    return (
        user.is_authenticated
        and Appeal.objects.filter(appraisal_id=appraisal.pk, decider_id=user.pk, state="open").exists()
    )


def appraisal_role(user, appraisal):
    """How `user` may act on `appraisal`: "hr", "manager" (its reviewer), "employee" (its subject) or None.

    Nobody acts as HR or as manager on their own appraisal.
    """
    person = employee_of(user)
    if person is not None and appraisal.employee_id == person.pk:
        return "employee"
    if is_hr(user):
        return "hr"
    if (
        person is not None
        and appraisal.reviewer_id == person.pk
        and user.has_perm("appraisal.change_appraisal", appraisal)
    ):
        return "manager"
    if person is not None and appraisal.employee_id == person.pk:
        return "employee"
    return None


# --- what each role may do with each kind of resource: the declared policy -------------------


def signed_in(user):
    return user.is_authenticated


def nobody(user):
    return False


# resource -> action -> predicate of the user. "read" covers lists, details, history and the
# resource's downloads (the rows are then cut down by `visible`); "write" creates, changes,
# deletes and runs the resource's actions. Resources whose writes depend on the object
# (appraisals, appeals) let every signed-in user through here and decide per object in their
# services, through `appraisal_role` and `appraisal.visibility`.
POLICY = {
    "organisation": {"read": signed_in, "write": is_hr},  # units, positions, people, descriptions
    "processes": {"read": signed_in, "write": is_hr},  # cross-unit processes and their RACI
    "library": {"read": signed_in, "write": is_hr},  # indicators, KPI sets, rating bands
    "cycles": {"read": signed_in, "write": is_hr, "results": sees_all_appraisals},
    "appraisals": {"read": signed_in, "write": signed_in},
    "appeals": {"read": signed_in, "write": signed_in},
    "analytics": {"read": signed_in, "write": nobody},
    "organisation export": {"read": reads_whole_organisation, "write": nobody},
    "organisation transfer": {"read": is_hr, "write": is_hr},  # the import and export pages
    "cycle management": {"read": is_hr, "write": is_hr},  # the cycle, calibration and results pages
    "appeal management": {"read": is_hr, "write": is_hr},  # the list of every appeal
}


def can(user, action, resource):
    """Whether `user` may `action` ("read", "write" or a resource's own action) on `resource` of POLICY."""
    rule = POLICY[resource].get(action)
    return bool(rule is not None and user.is_authenticated and rule(user))


def visible(user, queryset):
    """`queryset` cut down to what `user` may see, whatever the model (the entry point for every interface)."""
    rule = _RULES.get(queryset.model._meta.label)
    if rule is None:
        return queryset if user.is_authenticated else queryset.none()
    return rule(user, queryset)


_RULES = {
    "departments.Department": departments_for,
    "positions.Position": positions_for,
    "positions.Employee": employees_for,
    "appraisal.Appraisal": appraisals_for,
    "appraisal.AppraisalCycle": cycles_for,
    "appraisal.KpiSet": kpi_sets_for,
}


# --- descriptions ----------------------------------------------------------------------------


def can_edit_descriptions(user):
    """HR writes descriptions; everyone else reads the published version."""
    return is_hr(user)


def positions_below(user):
    """Ids of the positions that report, directly or through others, to the position `user` holds."""

    def compute():
        from positions.models import Position

        person = employee_of(user)
        if person is None or person.position_id is None:
            return frozenset()
        found, frontier = set(), {person.position_id}
        while frontier:  # one query per level of the reporting line
            frontier = set(Position.objects.filter(reports_to__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return frozenset(found)

    return _memo(user, "positions_below", compute)


def can_review_description(user, position, draft=None):
    """HR, or a manager for a position below their own in the reporting line; never someone who edited the draft."""
    if not user.is_authenticated:
        return False
    if draft is not None:
        from positions.selectors import draft_editor_ids

        if user.pk in draft_editor_ids(draft):
            return False
    if is_hr(user):
        return True
    return is_manager(user) and position.pk in positions_below(user)


def reviewable_drafts(user, queryset):
    """Drafts in review that `user` may approve or return: none they edited themselves."""
    from positions.choices import DraftState

    queryset = queryset.filter(state=DraftState.IN_REVIEW).exclude(author=user)
    queryset = queryset.exclude(pk__in=queryset.model.history.filter(history_user=user).values("id"))
    if is_hr(user):
        return queryset
    if is_manager(user):
        return queryset.filter(position__in=positions_below(user))
    return queryset.none()
