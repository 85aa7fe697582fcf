"""Position descriptions checked against the rules of writing one (the seed's chapter 06).

岗位职责说明书编写要点: the basic information (unit, direct superior), the duties with at least
one core duty, the scope of the position's authority, and specific, measurable work standards.
The appraisal side adds: every core duty is followed by a work standard or a KPI, and the
position is appraised on a KPI set whose weights add up. A description nobody has looked at
for too long is flagged for review.

`lint(positions)` reads what it needs in a fixed number of queries whatever the number of
positions, and returns findings, each with a severity, a message that says how to fix it and
the page to fix it on.
"""

import datetime
import re
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appraisal.choices import Dimension, KpiSetStatus
from appraisal.models import KpiItem, KpiSet
from appraisal.services import set_problems
from departments.models import Department
from departments.selectors import tree_order
from positions.choices import DutyCategory
from positions.models import Authority, DescriptionVersion, Duty, Position, WorkStandard


class Severity(models.TextChoices):
    ERROR = "error", gettext_lazy("error")  # the description lacks what every description must have
    WARNING = "warning", gettext_lazy("warning")  # it has it, but not so that it can be appraised on
    INFO = "info", gettext_lazy("info")  # worth a look


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

# rule → severity; the rules in the order a description is read
RULES = {
    "no_superior": Severity.ERROR,
    "no_core_duty": Severity.ERROR,
    "no_authority": Severity.WARNING,
    "standard_not_measurable": Severity.WARNING,
    "duty_not_followed": Severity.WARNING,
    "no_kpi_set": Severity.WARNING,
    "kpi_set_problem": Severity.ERROR,
    "never_published": Severity.INFO,
    "description_old": Severity.INFO,
}

RULE_LABELS = {
    "no_superior": gettext_lazy("No direct superior"),
    "no_core_duty": gettext_lazy("No core duty"),
    "no_authority": gettext_lazy("No authority stated"),
    "standard_not_measurable": gettext_lazy("Work standard not measurable"),
    "duty_not_followed": gettext_lazy("Core duty followed by no standard or KPI"),
    "no_kpi_set": gettext_lazy("No KPI set"),
    "kpi_set_problem": gettext_lazy("KPI set cannot be used"),
    "never_published": gettext_lazy("Never published"),
    "description_old": gettext_lazy("Published too long ago"),
}

COVERING_SHARE = 0.5  # a KPI or an unlinked standard follows a duty when half its character pairs are in it
_NOT_WORD = re.compile(r"[\W_]+")


def max_age_days():
    """A published description older than this many days is due for review (setting DESCRIPTION_MAX_AGE_DAYS)."""
    return settings.DESCRIPTION_MAX_AGE_DAYS


def _pairs(text):
    text = _NOT_WORD.sub("", (text or "").lower())
    return {text[index : index + 2] for index in range(len(text) - 1)} or ({text} if text else set())


def follows(name, duty_pairs):
    """Whether a KPI or a standard called `name` measures a duty: most of its character pairs are in the duty.

    "投诉及时处理率" follows "及时、准确地处理客户的问题和投诉" (投诉, 及时, 处理: 3 of its 6 pairs).
    """
    pairs = _pairs(name)
    return bool(pairs) and len(pairs & duty_pairs) >= COVERING_SHARE * len(pairs)


def lint(positions, *, now=None, max_age=None):
    """The findings of the positions of the queryset `positions`, in the order of the organisation.

    Each finding: {rule, severity, severity_label, message, fix_url, fix_label, position, position_code,
    position_title, unit, unit_code, unit_name, unit_path}, units in the order of the org chart.
    Nine queries for any number of positions.
    """
    now = now or timezone.now()
    oldest = now - datetime.timedelta(days=max_age_days() if max_age is None else max_age)
    rows = list(
        positions.order_by().values(
            "id", "code", "title", "reports_to", "order", "department", "department__code", "department__name",
            "department__path", "department__depth", "department__head",
        )
    )  # fmt: skip
    rank = {unit["id"]: n for n, unit in enumerate(tree_order(Department.objects.values("id", "parent", "order")))}
    rows.sort(key=lambda row: (rank[row["department"]], row["order"], row["id"]))
    ids = [row["id"] for row in rows]
    duties, standards = defaultdict(list), defaultdict(list)
    for duty in Duty.objects.filter(position_id__among=ids).order_by("order", "id").values(
        "id", "position_id", "category", "title", "text"
    ):  # fmt: skip
        duties[duty["position_id"]].append(duty)
    for standard in WorkStandard.objects.filter(position_id__among=ids).order_by("order", "id").values(
        "id", "position_id", "measure", "target", "duty_id"
    ):  # fmt: skip
        standards[standard["position_id"]].append(standard)
    with_authority = set(
        Authority.objects.filter(position_id__among=ids).values_list("position_id", flat=True).distinct()
    )
    published = dict(
        DescriptionVersion.objects.filter(position_id__among=ids).values("position_id")
        .annotate(last=Max("published")).values_list("position_id", "last").order_by()
    )  # fmt: skip
    sets_of, kpi_sets, items = _kpi_sets(ids)

    findings = []
    for row in rows:
        found = _check_position(
            row, duties[row["id"]], standards[row["id"]], row["id"] in with_authority, published.get(row["id"]),
            [kpi_sets[s] for s in sets_of[row["id"]] if s in kpi_sets], items, oldest, now,
        )  # fmt: skip
        findings.extend(_finding(row, *item) for item in found)
    return findings


def _kpi_sets(position_ids):
    """({position id: [set ids]}, {set id: KpiSet}, {set id: [item dicts for `set_problems`]})."""
    links = KpiSet.positions.through.objects.filter(position_id__among=position_ids)
    sets_of = defaultdict(list)
    for position_id, set_id in links.values_list("position_id", "kpiset_id").order_by("kpiset_id"):
        sets_of[position_id].append(set_id)
    wanted = {set_id for set_ids in sets_of.values() for set_id in set_ids}
    kpi_sets = {kpi_set.pk: kpi_set for kpi_set in KpiSet.objects.filter(pk__among=wanted).exclude(
        status=KpiSetStatus.RETIRED).only(
        "id", "code", "name", "status", "results_weight", "ability_weight", "attitude_weight"
    )}  # fmt: skip
    items = defaultdict(list)
    for item in KpiItem.objects.filter(kpi_set_id__among=wanted).order_by("order", "id").values(
        "kpi_set_id", "weight", "target", dimension=models.F("indicator__dimension"), kind=models.F("indicator__kind"),
        retired=models.F("indicator__retired"), indicator_name=models.F("indicator__name"),
    ):  # fmt: skip
        items[item.pop("kpi_set_id")].append(item)
    return sets_of, kpi_sets, items


def _check_position(row, duties, standards, has_authority, last_published, kpi_sets, items, oldest, now):
    """[(rule, message, fix)] of one position; fix is (url name, anchor) of the page to fix it on."""
    found = []
    edit = ("description-edit", row["id"])
    top = row["department__depth"] == 0 and row["department__head"] in (None, row["id"])
    if row["reports_to"] is None and not top:
        found.append(("no_superior", _("No direct superior: set whom this position reports to."), ("admin", row["id"])))
    core = [duty for duty in duties if duty["category"] == DutyCategory.CORE]
    if not core:
        found.append(("no_core_duty", _("No core duty: add at least one core duty."), (*edit, "duties")))
    if not has_authority:
        found.append(
            ("no_authority", _("No authority stated: state which decisions this position takes on its own."),
             (*edit, "authorities"))
        )  # fmt: skip
    for standard in standards:
        if not standard["measure"].strip() or standard["target"] is None:
            found.append((
                "standard_not_measurable",
                _("Work standard “%(measure)s” is not measurable: give what is measured and a target.")
                % {"measure": standard["measure"] or "—"},
                (*edit, "standards"),
            ))  # fmt: skip
    active = [kpi_set for kpi_set in kpi_sets if kpi_set.status == KpiSetStatus.ACTIVE] or kpi_sets
    indicators = [item["indicator_name"] for kpi_set in active for item in items[kpi_set.pk]
                  if item["dimension"] == Dimension.RESULTS]  # fmt: skip
    linked = {standard["duty_id"] for standard in standards}
    unlinked = [standard["measure"] for standard in standards if standard["duty_id"] is None]
    for duty in core:
        if duty["id"] in linked:
            continue
        duty_pairs = _pairs(duty["title"]) | _pairs(duty["text"])
        if not any(follows(name, duty_pairs) for name in [*unlinked, *indicators]):
            found.append((
                "duty_not_followed",
                _("Core duty “%(duty)s” is followed by no work standard or KPI: add a work standard for it, "
                  "or a KPI that measures it.") % {"duty": duty["title"] or _shorten(duty["text"])},
                (*edit, "standards"),
            ))  # fmt: skip
    if not kpi_sets:
        found.append(
            ("no_kpi_set", _("No KPI set: put this position in a KPI set so it can be appraised."), ("kpi-sets", None))
        )
    for kpi_set in kpi_sets:
        for problem in set_problems(kpi_set, items[kpi_set.pk]):
            found.append(("kpi_set_problem", problem, ("kpi-set", kpi_set.pk)))
    if last_published is None:
        found.append(("never_published", _("The description was never published: publish it."), edit))
    elif last_published < oldest:
        found.append((
            "description_old",
            _("The description was last published %(days)s days ago: review it and publish it again.")
            % {"days": (now - last_published).days},
            edit,
        ))  # fmt: skip
    return found


def _shorten(text, length=24):
    return text if len(text) <= length else text[: length - 1] + "…"


def _fix(fix):
    """(url, label) of the page to fix a finding on."""
    kind, target, *anchor = fix
    if kind == "admin":
        return reverse("admin:positions_position_change", args=[target]), _("Edit the position")
    if kind == "kpi-sets":
        return reverse("admin:appraisal_kpiset_changelist"), _("KPI sets")
    if kind == "kpi-set":
        return reverse("admin:appraisal_kpiset_change", args=[target]), _("Edit the KPI set")
    url = reverse(kind, args=[target])
    return (f"{url}#{anchor[0]}" if anchor else url), _("Edit the description")


def _finding(row, rule, message, fix):
    url, label = _fix(fix)
    return {
        "rule": rule, "severity": RULES[rule].value, "severity_label": str(RULES[rule].label),
        "message": str(message), "fix_url": url, "fix_label": str(label),
        "position": row["id"], "position_code": row["code"], "position_title": row["title"],
        "unit": row["department"], "unit_code": row["department__code"], "unit_name": row["department__name"],
        "unit_path": row["department__path"],
    }  # fmt: skip


def by_unit(findings):
    """Findings grouped per unit in the order given: [{unit, unit_code, unit_name, counts, findings}]."""
    units = {}
    for finding in findings:
        unit = units.get(finding["unit"])
        if unit is None:
            unit = units[finding["unit"]] = {
                "unit": finding["unit"], "unit_code": finding["unit_code"], "unit_name": finding["unit_name"],
                "counts": dict.fromkeys(Severity.values, 0), "findings": [],
            }  # fmt: skip
        unit["counts"][finding["severity"]] += 1
        unit["findings"].append(finding)
    return list(units.values())


def counts(findings):
    """{severity: number of findings}."""
    result = dict.fromkeys(Severity.values, 0)
    for finding in findings:
        result[finding["severity"]] += 1
    return result


def position_findings(position):
    """The findings of one position, for its page."""
    return lint(Position.objects.filter(pk=position.pk))
