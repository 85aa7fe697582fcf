import django_filters
from django.utils.translation import gettext_lazy as _

from departments.choices import DepartmentKind
from departments.models import Department
from orgdesign.filtersets import IdFilter, OrgFilterSet


class DepartmentFilterSet(OrgFilterSet):
    parent = IdFilter(queryset=Department.objects.all(), label=_("Direct parent unit id."))
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices, label=_("Kind of unit."))
    within = IdFilter(
        queryset=Department.objects.all(), method="filter_within", label=_("Unit id: that unit and all units below it.")
    )

    class Meta:
        model = Department
        fields = ["parent", "kind", "within", "updated_since"]

    def filter_within(self, queryset, name, value: int):  # a unit id in the schema; the unit here
        return queryset.filter(path__startswith=value.path)
