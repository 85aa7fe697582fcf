import django_filters
from django.utils.translation import gettext_lazy as _

from appraisal.choices import AppealState, AppraisalState, CycleState, Dimension, IndicatorKind, KpiSetStatus
from appraisal.models import Appeal, Appraisal, AppraisalCycle, Indicator, KpiSet
from appraisal.services import appeals_overdue
from orgdesign.filtersets import IdFilter, OrgFilterSet, SubtreeFilterMixin, subtree_filters
from positions.models import Employee, Position


class IndicatorFilterSet(OrgFilterSet):
    dimension = django_filters.ChoiceFilter(choices=Dimension.choices, label=_("Dimension."))
    kind = django_filters.ChoiceFilter(choices=IndicatorKind.choices, label=_("Quantitative or rated."))
    retired = django_filters.BooleanFilter(label=_("Retired indicators only (true) or current ones (false)."))

    class Meta:
        model = Indicator
        fields = ["dimension", "kind", "retired", "updated_since"]


class KpiSetFilterSet(OrgFilterSet):
    status = django_filters.ChoiceFilter(choices=KpiSetStatus.choices, label=_("Status."))
    position = IdFilter(
        field_name="positions", queryset=Position.objects.all(), label=_("Sets serving this position id.")
    )

    class Meta:
        model = KpiSet
        fields = ["status", "position", "updated_since"]


class AppraisalCycleFilterSet(OrgFilterSet):
    state = django_filters.ChoiceFilter(choices=CycleState.choices, label=_("State."))

    class Meta:
        model = AppraisalCycle
        fields = ["state", "updated_since"]


class AppraisalFilterSet(SubtreeFilterMixin, OrgFilterSet):
    cycle = IdFilter(queryset=AppraisalCycle.objects.all(), label=_("Cycle id."))
    state = django_filters.ChoiceFilter(choices=AppraisalState.choices, label=_("State."))
    employee = IdFilter(queryset=Employee.objects.all(), label=_("Employee id."))
    reviewer = IdFilter(queryset=Employee.objects.all(), label=_("Reviewer's employee id."))
    department, include_descendants = subtree_filters(_("Unit id (the unit when the cycle opened)."))
    band = django_filters.CharFilter(label=_("Final band code."))

    class Meta:
        model = Appraisal
        fields = ["cycle", "state", "employee", "reviewer", "department", "include_descendants", "band",
                  "updated_since"]  # fmt: skip


class AppealFilterSet(OrgFilterSet):
    state = django_filters.ChoiceFilter(choices=AppealState.choices, label=_("open or decided."))
    cycle = IdFilter(field_name="appraisal__cycle", queryset=AppraisalCycle.objects.all(), label=_("Cycle id."))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Open appeals past their decision deadline (true), or all others (false).")
    )

    class Meta:
        model = Appeal
        fields = ["state", "cycle", "overdue", "updated_since"]

    def filter_overdue(self, queryset, name, value):
        late = appeals_overdue(queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))
