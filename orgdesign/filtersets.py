import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from orgdesign import access


class IdFilter(django_filters.ModelChoiceFilter):
    """Filter by the id of a related object; an unknown id is a 400 naming the parameter.

    Only ids the reader may see are known: a hidden object answers exactly as a missing one, so
    filters cannot be used to find out which ids exist.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()
        return access.visible(user, queryset)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time, compared in UTC: any offset Python reads (up to ±24 h) is fine, even where PostgreSQL
    would refuse it as a literal (beyond ±15:59)."""

    def filter(self, qs, value):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return super().filter(qs, value)


class OrgFilterSet(django_filters.FilterSet):
    """Filters every resource shares: incremental sync by `?updated_since=`."""

    updated_since = UtcDateTimeFilter(
        field_name="updated",
        lookup_expr="gte",
        label=_("Only objects created or changed at or after this time (ISO 8601, e.g. 2026-11-28T00:00:00Z)."),
    )


class SubtreeFilterMixin:
    """`?department=<id>` matches that unit; with `?include_descendants=true`, its whole subtree.

    Subclasses declare `department` (method "filter_department") and `include_descendants`
    (method "filter_include_descendants") and name the unit relation in `department_field`.
    """

    department_field = "department"

    # The annotation tells the schema that the parameter is a unit id; the value is the unit.
    def filter_department(self, queryset, name, value: int):
        if self.form.cleaned_data.get("include_descendants"):
            return queryset.filter(**{f"{self.department_field}__path__startswith": value.path})
        return queryset.filter(**{self.department_field: value})

    def filter_include_descendants(self, queryset, name, value):
        return queryset  # read by filter_department


def subtree_filters(unit_label):
    from departments.models import Department

    return (
        IdFilter(queryset=Department.objects.all(), method="filter_department", label=unit_label),
        django_filters.BooleanFilter(
            method="filter_include_descendants", label=_("With department: also every unit below it.")
        ),
    )
