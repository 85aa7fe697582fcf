"""The page of the description check (`analytics.lint`)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from analytics.lint import RULE_LABELS, RULES, Severity, by_unit, counts, lint
from analytics.lint_api import filtered
from analytics.selectors import positions_in_scope
from analytics.views import chosen_unit


class DescriptionLintView(LoginRequiredMixin, TemplateView):
    """Every description the user may see, checked against the rules of writing one, unit by unit."""

    template_name = "analytics/description_lint.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units, unit = chosen_unit(self.request)
        severities = [value for value in self.request.GET.getlist("severity") if value in Severity.values]
        rule = self.request.GET.get("rule", "")
        positions = positions_in_scope(user, unit)
        everything = lint(positions)
        findings = filtered(everything, severities, [rule] if rule in RULES else None)
        page = Paginator(by_unit(findings), 20).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            units=units, unit=unit, severities=severities or Severity.values, rule=rule,
            rules=list(RULE_LABELS.items()), severity_choices=Severity.choices, page=page, totals=counts(everything),
            shown=len(findings), positions_checked=positions.count(), query=query.urlencode(),
        )  # fmt: skip
        return context
