"""Pages of the organisation-design analyses."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from analytics.selectors import (
    DEFAULT_SIMILARITY,
    LOWEST_SIMILARITY,
    describe_duties,
    duty_overlap,
    positions_in_scope,
    structure_headcount,
    structure_spans_and_layers,
)
from departments.models import Department
from departments.selectors import tree_order
from orgdesign import access


class AnalyticsIndexView(LoginRequiredMixin, TemplateView):
    """The organisation-design analyses, one card each."""

    template_name = "analytics/index.html"


class DutyOverlapView(LoginRequiredMixin, TemplateView):
    """Duties of different positions that say nearly the same thing, for HR to decide who owns what."""

    template_name = "analytics/duty_overlap.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units, unit = chosen_unit(self.request)
        positions = positions_in_scope(user, unit)
        try:
            minimum = min(max(float(self.request.GET.get("min_similarity", DEFAULT_SIMILARITY)), LOWEST_SIMILARITY), 1)
        except ValueError:
            minimum = DEFAULT_SIMILARITY
        across = self.request.GET.get("across_units") == "1"
        findings, common = duty_overlap(positions, min_similarity=minimum, across_units=across)
        page = Paginator(findings, 25).get_page(self.request.GET.get("page"))
        describe_duties(page.object_list)
        context.update(
            units=units, unit=unit, min_similarity=minimum, lowest=LOWEST_SIMILARITY, page=page,
            across_units=across,
            count=len(findings), common=common, can_edit=access.can_edit_descriptions(user),
        )  # fmt: skip
        return context


LISTED_ROWS = 100  # rows of each list a page shows; the XLSX holds them all


def chosen_unit(request):
    """The units the user may see, and the one `?unit=` picks among them (None for all of them)."""
    units = access.visible(request.user, Department.objects.all())
    wanted = request.GET.get("unit", "")
    return tree_order(units), units.filter(pk=wanted).first() if wanted.isdigit() else None


def _bars(items, *, label, value, caption):
    """Horizontal bars laid out for an SVG drawn on the server, the longest filling the width."""
    width, label_width, row_height = 640, 110, 28
    scale = (width - label_width - 110) / (max((item[value] for item in items), default=0) or 1)
    bars = [
        {"y": index * row_height + 6, "label": label(item), "caption": caption(item),
         "width": round(item[value] * scale, 1)}
        for index, item in enumerate(items)
    ]  # fmt: skip
    return {"width": width, "height": len(items) * row_height + 12, "label_width": label_width,
            "bar_height": row_height - 8, "bars": bars}  # fmt: skip


class StructureView(LoginRequiredMixin, TemplateView):
    """Spans of control and layers of the reporting line, for HR to see where the structure is too flat or too tall."""

    template_name = "analytics/structure.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units, unit = chosen_unit(self.request)
        result = structure_spans_and_layers(self.request.user, unit)
        for band in result["bands"]:
            band["percent"] = round(band["share"] * 100, 1)
        context.update(
            units=units, unit=unit, result=result, listed=LISTED_ROWS,
            single_report=result["single_report"][:LISTED_ROWS],
            grade_compression=result["grade_compression"][:LISTED_ROWS],
            band_chart=_bars(result["bands"], label=lambda b: b["band"], value="managers",
                             caption=lambda b: f"{b['managers']} ({b['percent']}%)"),
            layer_chart=_bars(result["layers"], label=lambda row: _("Layer %(number)s") % {"number": row["layer"]},
                              value="positions", caption=lambda row: str(row["positions"])),
        )  # fmt: skip
        return context


class HeadcountView(LoginRequiredMixin, TemplateView):
    """Planned, filled and vacant seats per unit, and the positions with vacant seats."""

    template_name = "analytics/headcount.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units, unit = chosen_unit(self.request)
        result = structure_headcount(self.request.user, unit)
        for row in result["units"]:
            row["indent"] = range(row["level"])
        page = Paginator(result["vacancies"], 50).get_page(self.request.GET.get("page"))
        context.update(units=units, unit=unit, result=result, page=page)
        return context
