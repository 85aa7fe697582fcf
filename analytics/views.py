"""Pages of the organisation-design analyses."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from analytics.selectors import (
    DEFAULT_SIMILARITY,
    LOWEST_SIMILARITY,
    describe_duties,
    duty_overlap,
    positions_in_scope,
)
from departments.models import Department
from orgdesign import access


class DutyOverlapView(LoginRequiredMixin, TemplateView):
    """Duties of different positions that say nearly the same thing, for HR to decide who owns what."""

    template_name = "analytics/duty_overlap.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = access.visible(user, Department.objects.all())
        wanted = self.request.GET.get("unit", "")
        unit = units.filter(pk=wanted).first() if wanted.isdigit() else None
        positions = positions_in_scope(user, unit)
        try:
            minimum = min(max(float(self.request.GET.get("min_similarity", DEFAULT_SIMILARITY)), LOWEST_SIMILARITY), 1)
        except ValueError:
            minimum = DEFAULT_SIMILARITY
        findings, common = duty_overlap(positions, min_similarity=minimum)
        page = Paginator(findings, 25).get_page(self.request.GET.get("page"))
        describe_duties(page.object_list)
        context.update(
            units=units.order_by("path"), unit=unit, min_similarity=minimum, lowest=LOWEST_SIMILARITY, page=page,
            count=len(findings), common=common, can_edit=access.can_edit_descriptions(user),
        )  # fmt: skip
        return context
