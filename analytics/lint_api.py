"""API of the description check (`analytics.lint`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from analytics.api import ScopeQuerySerializer
from analytics.lint import RULES, Severity, by_unit, counts, lint
from analytics.selectors import positions_in_scope
from orgdesign.api.pagination import OrgPagination
from orgdesign.api.permissions import AccessPermission
from orgdesign.api.renderers import FastJSONRenderer


class LintQuerySerializer(ScopeQuerySerializer):
    severity = serializers.MultipleChoiceField(
        choices=Severity.choices, required=False, help_text="Only findings of these severities (repeat for several)."
    )
    rule = serializers.MultipleChoiceField(
        choices=list(RULES), required=False, help_text="Only findings of these rules (repeat to ask for several)."
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Units per page (50; at most 1000)."
    )
    offset = serializers.IntegerField(required=False, min_value=0, help_text="Units to skip.")


class LintFindingSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=list(RULES), help_text="The rule the description breaks.")
    severity = serializers.ChoiceField(choices=Severity.choices, help_text="error, warning or info.")
    severity_label = serializers.CharField(help_text="The severity in the request's language.")
    message = serializers.CharField(help_text="What is wrong and how to fix it, in the request's language.")
    fix_url = serializers.CharField(help_text="The page to fix it on.")
    fix_label = serializers.CharField(help_text="The name of that page.")
    position = serializers.IntegerField(help_text="Position id.")
    position_code = serializers.CharField(help_text="Position code.")
    position_title = serializers.CharField(help_text="Position title in Chinese.")


class LintUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text="Unit id.")
    unit_code = serializers.CharField(help_text="Unit code.")
    unit_name = serializers.CharField(help_text="Unit name in Chinese.")
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Findings per severity.")
    findings = LintFindingSerializer(many=True, help_text="The findings of the unit's own positions.")


class DescriptionLintView(APIView):
    access_resource = "analytics"
    renderer_classes = [FastJSONRenderer]
    permission_classes = [AccessPermission]

    @extend_schema(
        summary="Position descriptions checked against the rules of writing one",
        description=(
            "Every position you may see, checked: a direct superior, a core duty, authorities, measurable work "
            "standards, every core duty followed by a work standard or KPI, a KPI set that can be used, and a "
            "description published within `DESCRIPTION_MAX_AGE_DAYS`. Units in the order of the organisation, each "
            "with the findings of its own positions; `totals` counts every finding of the request."
        ),
        parameters=[LintQuerySerializer],
        responses={
            200: inline_serializer(
                "DescriptionLintPage",
                {
                    "count": serializers.IntegerField(help_text="Number of units with findings, across all pages."),
                    "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
                    "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
                    "positions_checked": serializers.IntegerField(help_text="Positions checked."),
                    "totals": serializers.DictField(
                        child=serializers.IntegerField(), help_text="Findings per severity."
                    ),
                    "results": LintUnitSerializer(many=True, help_text="This page of units."),
                },
            )
        },
    )
    def get(self, request):
        query = LintQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        positions = positions_in_scope(request.user, query.validated_data.get("unit"))
        findings = filtered(lint(positions), query.validated_data.get("severity"), query.validated_data.get("rule"))
        paginator = OrgPagination()
        page = paginator.paginate_queryset(by_unit(findings), request, view=self)
        for unit in page:
            for finding in unit["findings"]:
                for key in ("unit", "unit_code", "unit_name", "unit_path"):
                    finding.pop(key)
        response = paginator.get_paginated_response(page)
        response.data["positions_checked"] = positions.count()
        response.data["totals"] = counts(findings)
        return response


def filtered(findings, severities=None, rules=None):
    """The findings of the given severities and rules (all when none is given)."""
    return [
        finding for finding in findings
        if (not severities or finding["severity"] in severities) and (not rules or finding["rule"] in rules)
    ]  # fmt: skip
