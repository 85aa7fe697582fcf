"""The KPI library: indicators with their levels, and KPI sets with their weights and positions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.choices import CycleState, Dimension, IndicatorKind, KpiSetStatus
from appraisal.models import Appraisal, AppraisalLine, Indicator, IndicatorLevel, KpiItem, KpiSet
from appraisal.services.base import HUNDRED
from orgdesign.audit import record_bulk_history
from orgdesign.exceptions import Conflict
from orgdesign.services import assign_fields, claim_revision, record_deletion

# --- indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "code", "name", "name_en", "dimension", "kind", "unit", "direction", "data_source", "minimum", "measurement",
    "description", "description_en", "retired",
)  # fmt: skip


@transaction.atomic
def indicator_write(*, indicator=None, fields, levels=None, expected_revision=None, check_levels=True):
    """Create or change an indicator and, if given, replace its levels (a rated one needs two or more).

    `check_levels=False` leaves the level rule to a caller that saves the levels itself afterwards
    (the admin's inline formset, which checks the same rule).
    """
    indicator = indicator or Indicator()
    assign_fields(indicator, INDICATOR_FIELDS, fields)
    indicator.full_clean()
    if indicator.pk is not None:
        claim_revision(indicator, expected_revision)
    indicator.save()
    if levels is not None:
        indicator.levels.all().delete()
        objs = [IndicatorLevel(indicator=indicator, **level) for level in levels]
        for index, level in enumerate(objs):
            try:
                level.full_clean(exclude=["indicator"])
            except ValidationError as error:
                raise ValidationError({f"levels[{index}].{k}": v for k, v in error.message_dict.items()}) from error
        numbers = [level.level for level in objs]
        if len(set(numbers)) != len(numbers):
            raise ValidationError({"levels": _("Each level number may appear once.")})
        record_bulk_history(IndicatorLevel, IndicatorLevel.objects.bulk_create(objs), update=False)
    level_count = indicator.levels.count() if check_levels else None
    if not check_levels:
        return indicator
    if indicator.kind == IndicatorKind.RATED and level_count < 2:
        raise ValidationError({"levels": _("A rated indicator needs at least two described levels.")})
    if indicator.kind == IndicatorKind.QUANTITATIVE and level_count:
        raise ValidationError({"levels": _("A quantitative indicator is scored against its target and has no levels.")})
    return indicator


@transaction.atomic
def indicator_delete(*, indicator, expected_revision=None):
    """Delete an indicator no KPI set or appraisal uses; otherwise it can only be retired (409)."""
    if (
        KpiItem.objects.filter(indicator=indicator).exists()
        or AppraisalLine.objects.filter(indicator=indicator).exists()
    ):
        raise Conflict(_("%(indicator)s is in use; retire it instead of deleting it.") % {"indicator": indicator})
    claim_revision(indicator, expected_revision)
    record_deletion(indicator, resource="indicators")
    indicator.delete()


# --- KPI sets ------------------------------------------------------------------------------


def kpi_set_problems(kpi_set):
    """Why `kpi_set` cannot be used in a cycle: weights not adding up to 100, missing targets, retired indicators."""
    items = [
        {"dimension": i.indicator.dimension, "kind": i.indicator.kind, "retired": i.indicator.retired,
         "indicator_name": i.indicator.name, "weight": i.weight, "target": i.target}
        for i in kpi_set.items.select_related("indicator")
    ]  # fmt: skip
    return set_problems(kpi_set, items)


def set_problems(kpi_set, items):
    """The problems of a set from its weights and plain item dicts (dimension, kind, retired, indicator_name,
    weight, target), so lists can check many sets without a query each."""
    problems = []
    weights = {dimension: kpi_set.dimension_weight(dimension) for dimension in Dimension.values}
    total = sum(weights.values())
    if total != HUNDRED:
        problems.append(
            _("KPI set %(set)s: the dimension weights add up to %(sum)s, not 100.")
            % {"set": kpi_set, "sum": _number(total)}
        )
    for dimension, label in Dimension.choices:
        dimension_items = [item for item in items if item["dimension"] == dimension]
        item_total = sum((item["weight"] for item in dimension_items), Decimal(0))
        if weights[dimension] and item_total != HUNDRED:
            problems.append(
                _("KPI set %(set)s: the %(dimension)s indicators add up to %(sum)s, not 100.")
                % {"set": kpi_set, "dimension": label, "sum": _number(item_total)}
            )
        if not weights[dimension] and dimension_items:
            problems.append(
                _("KPI set %(set)s: %(dimension)s has indicators but no weight.") % {"set": kpi_set, "dimension": label}
            )
    for item in items:
        if item["kind"] == IndicatorKind.QUANTITATIVE and item["target"] is None:
            problems.append(
                _("KPI set %(set)s: %(indicator)s needs a target.")
                % {"set": kpi_set, "indicator": item["indicator_name"]}
            )
        if item["retired"]:
            problems.append(
                _("KPI set %(set)s: %(indicator)s is retired.") % {"set": kpi_set, "indicator": item["indicator_name"]}
            )
    return [str(problem) for problem in problems]


def _number(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def check_positions_free(kpi_set):
    """A position is appraised on at most one active set."""
    clash = (
        KpiSet.objects.filter(status=KpiSetStatus.ACTIVE, positions__in=kpi_set.positions.all())
        .exclude(pk=kpi_set.pk)
        .values_list("name", "positions__title")
        .first()
    )
    if clash:
        raise ValidationError(
            {"positions": _("%(position)s is already appraised on the active set %(set)s.")
             % {"position": clash[1], "set": clash[0]}}
        )  # fmt: skip


KPI_SET_FIELDS = ("code", "name", "name_en", "results_weight", "ability_weight", "attitude_weight", "description")


@transaction.atomic
def kpi_set_write(*, kpi_set=None, fields, items=None, positions=None, expected_revision=None):
    """Create or change a KPI set; `items` ([{indicator, weight, target}]) and `positions` replace the current ones.

    A draft may be saved with weights that do not add up; an active set must stay usable.
    """
    kpi_set = kpi_set or KpiSet()
    assign_fields(kpi_set, KPI_SET_FIELDS, fields)
    kpi_set.full_clean()
    if kpi_set.pk is not None:
        claim_revision(kpi_set, expected_revision)
    kpi_set.save()
    if items is not None:
        existing = {item.indicator_id: item for item in kpi_set.items.all()}
        seen = set()
        for index, data in enumerate(items):
            indicator = data["indicator"]
            if indicator.pk in seen:
                raise ValidationError({f"items[{index}].indicator": _("%(indicator)s is in the set twice.")
                                       % {"indicator": indicator}})  # fmt: skip
            seen.add(indicator.pk)
            if indicator.retired and indicator.pk not in existing:
                raise ValidationError({f"items[{index}].indicator": _("%(indicator)s is retired.")
                                       % {"indicator": indicator}})  # fmt: skip
            item = existing.get(indicator.pk) or KpiItem(kpi_set=kpi_set, indicator=indicator)
            item.weight, item.target, item.order = data["weight"], data.get("target"), data.get("order", index + 1)
            try:
                item.full_clean(exclude=["kpi_set", "indicator"])
            except ValidationError as error:
                raise ValidationError({f"items[{index}].{k}": v for k, v in error.message_dict.items()}) from error
            item.save()
        kpi_set.items.exclude(indicator_id__in=seen).delete()
    if positions is not None:
        kpi_set.positions.set(positions)
    if kpi_set.status == KpiSetStatus.ACTIVE:
        problems = kpi_set_problems(kpi_set)
        if problems:
            raise ValidationError({"items": problems})
        check_positions_free(kpi_set)
    return kpi_set


@transaction.atomic
def kpi_set_activate(*, kpi_set):
    """Make a set usable in cycles; refused, naming the set and the sums, unless its weights add up."""
    problems = kpi_set_problems(kpi_set)
    if problems:
        raise ValidationError({"status": problems})
    check_positions_free(kpi_set)
    claim_revision(kpi_set)
    kpi_set.status = KpiSetStatus.ACTIVE
    kpi_set.save(update_fields=["status", "revision", "updated"])
    return kpi_set


@transaction.atomic
def kpi_set_retire(*, kpi_set):
    claim_revision(kpi_set)
    kpi_set.status = KpiSetStatus.RETIRED
    kpi_set.save(update_fields=["status", "revision", "updated"])
    return kpi_set


@transaction.atomic
def kpi_set_delete(*, kpi_set, expected_revision=None):
    """Delete a KPI set no running cycle uses (409 otherwise: retire it, or wait until the cycle closes)."""
    running = (
        Appraisal.objects.filter(kpi_set=kpi_set).exclude(cycle__state=CycleState.CLOSED).values("cycle__name").first()
    )
    if running:
        raise Conflict(
            _("%(set)s is used by the cycle %(cycle)s, which has not closed; retire the set instead.")
            % {"set": kpi_set, "cycle": running["cycle__name"]}
        )
    claim_revision(kpi_set, expected_revision)
    record_deletion(kpi_set, resource="kpi-sets")
    kpi_set.delete()
