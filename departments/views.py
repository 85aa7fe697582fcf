"""Pages of the unit tree: the org chart (with branches loaded on demand) and a unit's page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from departments.models import Department
from departments.selectors import org_chart
from orgdesign import access
from positions.models import Employee, Position
from positions.selectors import position_rows


def _nest_positions(unit):
    """Arrange a chart unit's positions as a tree: a position hangs under its superior when both are in the unit."""
    by_id = {position["id"]: position for position in unit["positions"]}
    roots = []
    for position in unit["positions"]:
        position["subordinates"] = []
    for position in unit["positions"]:
        superior = by_id.get(position["reports_to"])
        (superior["subordinates"] if superior is not None else roots).append(position)
    unit["position_tree"] = roots


def chart_nodes(user, *, root=None, depth=None):
    """The org chart as `user` may see it, top units first.

    With `depth`, units that far down show their positions, and their own children (if
    any) are left for the page to load when opened: `lazy` is set and `child_count` says
    how many there are.
    """
    units = access.visible(user, Department.objects.all())
    people = access.visible(user, Employee.objects.all())
    top = org_chart(units=units, root=root, depth=depth, people=people)
    edge = []

    def walk(nodes):
        for unit in nodes:
            _nest_positions(unit)
            unit["child_count"] = 0
            if unit["children"]:
                walk(unit["children"])
            else:
                edge.append(unit)

    walk(top)
    if depth is not None and edge:
        counts = dict(
            units.filter(parent_id__in=[unit["id"] for unit in edge]).values_list("parent_id").annotate(n=Count("id"))
        )
        for unit in edge:
            unit["child_count"] = counts.get(unit["id"], 0)
    return top


class OrgChartView(LoginRequiredMixin, TemplateView):
    """The whole visible organisation as a tree; large organisations open one level and load the rest on demand."""

    template_name = "departments/org_chart.html"
    inline_limit = 400  # positions drawn at once; beyond that only the first levels come with the page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        root = None
        unit = self.request.GET.get("unit", "")
        if unit:
            if not unit.isdigit():
                raise Http404(_("There is no such unit."))
            root = get_object_or_404(access.visible(user, Department.objects.all()), pk=unit)
        positions = access.visible(user, Position.objects.all())
        if root is not None:
            positions = positions.filter(department__path__startswith=root.path)
        total = positions.count()
        depth = None if total <= self.inline_limit else 1
        context.update(root=root, units=chart_nodes(user, root=root, depth=depth), total=total, lazy=depth is not None)
        return context


class OrgChartBranchView(LoginRequiredMixin, TemplateView):
    """The children of one unit, each with its positions (an htmx fragment of the org chart)."""

    template_name = "departments/_chart_branch.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = get_object_or_404(access.visible(self.request.user, Department.objects.all()), pk=kwargs["pk"])
        top = chart_nodes(self.request.user, root=unit, depth=1)
        context["units"] = top[0]["children"] if top else []
        return context


class UnitDetailView(LoginRequiredMixin, TemplateView):
    template_name = "departments/unit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        unit = get_object_or_404(
            access.visible(user, Department.objects.select_related("parent", "head")), pk=kwargs["pk"]
        )
        positions = access.visible(user, Position.objects.filter(department=unit)).order_by("order", "id")
        rows = list(position_rows(positions.select_related(None)))
        superiors = dict(Position.objects.filter(pk__in={r["reports_to"] for r in rows}).values_list("pk", "title"))
        for row in rows:
            row["vacant"] = max(row["headcount"] - row["filled"], 0)
            row["reports_to_title"] = superiors.get(row["reports_to"], "")
        context.update(
            unit=unit,
            parent_visible=unit.parent_id is not None
            and access.visible(user, Department.objects.filter(pk=unit.parent_id)).exists(),
            children=access.visible(user, unit.children.all()).order_by("order", "id"),
            positions=rows,
            duties=unit.duties.all(),
            mechanisms=unit.mechanisms.all(),
            title=_("Unit"),
        )
        return context
