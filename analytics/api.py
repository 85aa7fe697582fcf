"""API of the organisation-design analyses."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from analytics.selectors import (
    DEFAULT_SIMILARITY,
    LOWEST_SIMILARITY,
    describe_duties,
    duty_overlap,
    positions_in_scope,
)
from orgdesign.api.pagination import OrgPagination
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.api.views import VisibleUnitField


class DutyOverlapQuerySerializer(serializers.Serializer):
    unit = VisibleUnitField(
        required=False, help_text="Only positions in this unit and the units below it.",
        error_messages={"does_not_exist": "There is no unit with id {pk_value}."},
    )  # fmt: skip
    min_similarity = serializers.FloatField(
        required=False, default=DEFAULT_SIMILARITY, min_value=LOWEST_SIMILARITY, max_value=1,
        help_text=f"Lowest similarity listed, {LOWEST_SIMILARITY} to 1 (default {DEFAULT_SIMILARITY}).",
    )  # fmt: skip
    limit = serializers.IntegerField(required=False, min_value=1, help_text="Findings per page (50; at most 1000).")
    offset = serializers.IntegerField(required=False, min_value=0, help_text="Findings to skip.")


class OverlapDutySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Duty id.")
    text = serializers.CharField(help_text="The duty as written.")
    position = serializers.IntegerField(help_text="Position id.")
    position_code = serializers.CharField(help_text="Position code.")
    position_title = serializers.CharField(help_text="Position title in Chinese.")
    unit = serializers.IntegerField(help_text="Unit id of the position.")
    unit_name = serializers.CharField(help_text="Unit name in Chinese.")


class OverlapFindingSerializer(serializers.Serializer):
    similarity = serializers.FloatField(help_text="1 for the same clause; see docs/analytics.md.")
    clauses = serializers.ListField(child=serializers.CharField(), help_text="The clause, or the two similar clauses.")
    duties = OverlapDutySerializer(many=True, help_text="The duties that say them (the first 20).")
    duty_count = serializers.IntegerField(help_text="How many duties say them.")
    position_count = serializers.IntegerField(help_text="How many positions hold those duties.")


class DutyOverlapView(APIView):
    renderer_classes = [FastJSONRenderer]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Duties of different positions that say nearly the same thing",
        description=(
            "Clauses of duties compared by their pairs of characters, weighted by rarity; the same clause in several "
            "positions, and pairs of clauses at least `min_similarity` alike, most similar first. Over the positions "
            "you may see. Clauses in more than 1% of all duties are left out as boilerplate (`common_left_out`)."
        ),
        parameters=[DutyOverlapQuerySerializer],
        responses={
            200: inline_serializer(
                "DutyOverlapPage",
                {
                    "count": serializers.IntegerField(help_text="Number of findings across all pages."),
                    "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
                    "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
                    "min_similarity": serializers.FloatField(help_text="The threshold applied."),
                    "common_left_out": serializers.IntegerField(help_text="Clauses left out as boilerplate."),
                    "results": OverlapFindingSerializer(many=True, help_text="This page of findings."),
                },
            )
        },
    )
    def get(self, request):
        query = DutyOverlapQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        positions = positions_in_scope(request.user, query.validated_data.get("unit"))
        minimum = query.validated_data["min_similarity"]
        findings, common = duty_overlap(positions, min_similarity=minimum)
        paginator = OrgPagination()
        page = describe_duties(paginator.paginate_queryset(findings, request, view=self))
        response = paginator.get_paginated_response(page)
        response.data["min_similarity"] = minimum
        response.data["common_left_out"] = common
        return response
