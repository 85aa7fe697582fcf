import django_filters
from django.utils.translation import gettext_lazy as _

from orgdesign.filtersets import IdFilter, OrgFilterSet, SubtreeFilterMixin, subtree_filters
from positions.models import Employee, Position


class PositionFilterSet(SubtreeFilterMixin, OrgFilterSet):
    department, include_descendants = subtree_filters(_("Unit id."))
    reports_to = IdFilter(
        queryset=Position.objects.all(), label=_("Id of the superior position: its direct subordinates.")
    )
    is_key = django_filters.BooleanFilter(label=_("Key positions only (true) or all others (false)."))
    grade = django_filters.NumberFilter(label=_("Grade."))

    class Meta:
        model = Position
        fields = ["department", "include_descendants", "reports_to", "is_key", "grade", "updated_since"]


class EmployeeFilterSet(SubtreeFilterMixin, OrgFilterSet):
    department_field = "position__department"

    department, include_descendants = subtree_filters(_("Unit id of the position held."))
    position = IdFilter(queryset=Position.objects.all(), label=_("Id of the position held."))
    active = django_filters.BooleanFilter(label=_("Active people only (true) or former ones (false)."))

    class Meta:
        model = Employee
        fields = ["department", "include_descendants", "position", "active", "updated_since"]
