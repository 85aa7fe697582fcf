"""API of the organisation-design analyses."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.selectors import (
    DEFAULT_SIMILARITY,
    LOWEST_SIMILARITY,
    describe_duties,
    duty_overlap,
    positions_in_scope,
    structure_headcount,
    structure_spans_and_layers,
)
from analytics.structure import SPAN_BANDS
from analytics.structure_exports import XLSX, headcount_xlsx, spans_and_layers_xlsx
from orgdesign.api.pagination import OrgPagination
from orgdesign.api.permissions import AccessPermission
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.api.views import VisibleUnitField
from orgdesign.downloads import content_disposition


class ScopeQuerySerializer(serializers.Serializer):
    """`?unit=`: an analysis over a unit the user may see and the units below it (all they may see without it)."""

    unit = VisibleUnitField(
        required=False, help_text="Only positions in this unit and the units below it.",
        error_messages={"does_not_exist": "There is no unit with id {pk_value}."},
    )  # fmt: skip


class DutyOverlapQuerySerializer(ScopeQuerySerializer):
    min_similarity = serializers.FloatField(
        required=False, default=DEFAULT_SIMILARITY, min_value=LOWEST_SIMILARITY, max_value=1,
        help_text=f"Lowest similarity listed, {LOWEST_SIMILARITY} to 1 (default {DEFAULT_SIMILARITY}).",
    )  # fmt: skip
    across_units = serializers.BooleanField(
        required=False, default=False, help_text="Only findings whose positions are in two units or more."
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="Findings per page (50; at most 1000)."
    )
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
    unit_count = serializers.IntegerField(help_text="How many units those positions are in.")


class DutyOverlapView(APIView):
    access_resource = "analytics"
    renderer_classes = [FastJSONRenderer]
    permission_classes = [AccessPermission]

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
        findings, common = duty_overlap(
            positions, min_similarity=minimum, across_units=query.validated_data["across_units"]
        )
        paginator = OrgPagination()
        page = describe_duties(paginator.paginate_queryset(findings, request, view=self))
        response = paginator.get_paginated_response(page)
        response.data["min_similarity"] = minimum
        response.data["common_left_out"] = common
        return response


class StructurePositionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Position id.")
    code = serializers.CharField(help_text="Position code.")
    title = serializers.CharField(help_text="Position title in Chinese.")
    unit = serializers.IntegerField(help_text="Unit id of the position.")
    unit_name = serializers.CharField(help_text="Unit name in Chinese.")


class ManagerSpanSerializer(StructurePositionSerializer):
    grade = serializers.IntegerField(allow_null=True, help_text="Grade of the position.")
    layer = serializers.IntegerField(help_text="Layer of the position (1: no superior within the scope).")
    span = serializers.IntegerField(help_text="Direct-report positions.")
    span_filled = serializers.IntegerField(help_text="Active people holding the direct-report positions.")
    band = serializers.ChoiceField(choices=[label for _low, _high, label in SPAN_BANDS], help_text="Span band.")


class GradeCompressionSerializer(StructurePositionSerializer):
    grade = serializers.IntegerField(help_text="Grade of the position, the same as its superior's.")
    superior = serializers.IntegerField(help_text="Position id of the superior.")
    superior_code = serializers.CharField(help_text="Position code of the superior.")
    superior_title = serializers.CharField(help_text="Position title of the superior.")


class SpansSummarySerializer(serializers.Serializer):
    positions = serializers.IntegerField(help_text="Positions in scope.")
    layers = serializers.IntegerField(help_text="Levels of the reporting line.")
    managers = serializers.IntegerField(help_text="Positions with at least one direct-report position.")
    mean_span = serializers.FloatField(allow_null=True, help_text="Mean span in positions (null without managers).")
    median_span = serializers.FloatField(allow_null=True, help_text="Median span in positions.")
    mean_span_filled = serializers.FloatField(allow_null=True, help_text="Mean span in filled seats.")
    median_span_filled = serializers.FloatField(allow_null=True, help_text="Median span in filled seats.")
    single_report_managers = serializers.IntegerField(help_text="Managers with one direct-report position.")
    grade_compression = serializers.IntegerField(help_text="Positions graded the same as their superior.")


class SpansAndLayersSerializer(serializers.Serializer):
    summary = SpansSummarySerializer(help_text="The numbers of the whole scope.")
    layers = inline_serializer(
        "LayerCount",
        {"layer": serializers.IntegerField(help_text="1 at the top."),
         "positions": serializers.IntegerField(help_text="Positions in the layer.")},
        many=True, help_text="Positions per layer, from the top.",
    )  # fmt: skip
    bands = inline_serializer(
        "SpanBand",
        {"band": serializers.CharField(help_text="1, 2–3, 4–7, 8–12 or 13+ direct-report positions."),
         "managers": serializers.IntegerField(help_text="Managers in the band."),
         "share": serializers.FloatField(help_text="Share of all managers, 0 to 1.")},
        many=True, help_text="Managers per span band.",
    )  # fmt: skip
    managers = ManagerSpanSerializer(many=True, help_text="Every manager, in the order of the organisation.")
    single_report = ManagerSpanSerializer(many=True, help_text="Managers with one direct-report position.")
    grade_compression = GradeCompressionSerializer(many=True, help_text="Positions graded the same as their superior.")


class SeatsSerializer(serializers.Serializer):
    planned = serializers.IntegerField(help_text="Planned headcount.")
    filled = serializers.IntegerField(help_text="Active people holding the positions.")
    vacant = serializers.IntegerField(help_text="Vacant seats: planned less filled per position, never below zero.")


class UnitHeadcountSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Unit id.")
    code = serializers.CharField(help_text="Unit code.")
    name = serializers.CharField(help_text="Unit name in Chinese.")
    level = serializers.IntegerField(help_text="Depth below the top of the scope (0 at the top).")
    own = SeatsSerializer(help_text="The unit's own positions.")
    rolled_up = SeatsSerializer(help_text="The unit's positions and those of the units below it.")


class VacancySerializer(StructurePositionSerializer):
    planned = serializers.IntegerField(help_text="Planned headcount.")
    filled = serializers.IntegerField(help_text="Active people holding the position.")
    vacant = serializers.IntegerField(help_text="Vacant seats.")


class HeadcountSerializer(serializers.Serializer):
    totals = SeatsSerializer(help_text="Every position in scope.")
    units = UnitHeadcountSerializer(many=True, help_text="Every unit in scope, in tree order.")
    vacancies = VacancySerializer(many=True, help_text="Positions with vacant seats.")


XLSX_RESPONSE = {(200, XLSX): OpenApiTypes.BINARY}


class StructureView(APIView):
    """Base of the structure analyses: the unit asked for, among those the user may see."""

    access_resource = "analytics"

    renderer_classes = [FastJSONRenderer]
    permission_classes = [AccessPermission]

    def unit(self, request):
        query = ScopeQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        return query.validated_data.get("unit")


def _workbook(content, name):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name)
    return response


def _scope(unit):
    return unit.name if unit is not None else "全部可见单位 All units you may see"


SPANS_DESCRIPTION = (
    "Over the positions you may see, within `unit` and the units below it when given. Layers follow the reporting "
    "line: a position without a superior in scope is layer 1. A manager is a position with at least one direct-report "
    "position; its span counts those positions (`span`) and the active people holding them (`span_filled`). Bands: 1, "
    "2–3, 4–7, 8–12, 13+ direct-report positions. Grade compression: positions graded the same as their superior."
)
HEADCOUNT_DESCRIPTION = (
    "Over the positions you may see, within `unit` and the units below it when given: planned headcount, active "
    "people holding the positions, and vacant seats (planned less filled per position, never below zero), per unit on "
    "its own and rolled up with the units below it, with totals and the positions that have vacant seats."
)


class SpansAndLayersView(StructureView):
    @extend_schema(
        summary="Spans of control and layers", description=SPANS_DESCRIPTION,
        parameters=[ScopeQuerySerializer], responses={200: SpansAndLayersSerializer},
    )  # fmt: skip
    def get(self, request):
        return Response(structure_spans_and_layers(request.user, self.unit(request)))


class SpansAndLayersWorkbookView(StructureView):
    @extend_schema(
        summary="Spans of control and layers as XLSX", operation_id="analytics_spans_and_layers_xlsx",
        description=SPANS_DESCRIPTION + " Sheets: Summary, Layers, Managers, Bands, Single report, Grade compression.",
        parameters=[ScopeQuerySerializer], responses=XLSX_RESPONSE,
    )  # fmt: skip
    def get(self, request):
        unit = self.unit(request)
        result = structure_spans_and_layers(request.user, unit)
        return _workbook(spans_and_layers_xlsx(result, _scope(unit)), "spans-and-layers.xlsx")


class HeadcountView(StructureView):
    @extend_schema(
        summary="Planned, filled and vacant seats per unit", description=HEADCOUNT_DESCRIPTION,
        parameters=[ScopeQuerySerializer], responses={200: HeadcountSerializer},
    )  # fmt: skip
    def get(self, request):
        return Response(structure_headcount(request.user, self.unit(request)))


class HeadcountWorkbookView(StructureView):
    @extend_schema(
        summary="Planned, filled and vacant seats as XLSX", operation_id="analytics_headcount_xlsx",
        description=HEADCOUNT_DESCRIPTION + " Sheets: Summary, Units, Vacancies.",
        parameters=[ScopeQuerySerializer], responses=XLSX_RESPONSE,
    )  # fmt: skip
    def get(self, request):
        unit = self.unit(request)
        return _workbook(headcount_xlsx(structure_headcount(request.user, unit), _scope(unit)), "headcount.xlsx")
