from django.db.models import Count, F
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from appraisal import exports
from appraisal.api.serializers import (
    AcknowledgeSerializer,
    AppraisalCycleSerializer,
    AppraisalSerializer,
    CalibrateSerializer,
    IndicatorSerializer,
    KpiSetSerializer,
    RatingBandSerializer,
    ReasonSerializer,
)
from appraisal.filtersets import AppraisalCycleFilterSet, AppraisalFilterSet, IndicatorFilterSet, KpiSetFilterSet
from appraisal.models import (
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    Indicator,
    IndicatorLevel,
    KpiItem,
    KpiSet,
    RatingBand,
)
from appraisal.selectors import appraisal_lines_by_appraisal, cycle_distribution, cycle_results
from appraisal.services import (
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    cycle_close,
    cycle_delete,
    cycle_open,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
    indicator_delete,
    indicator_write,
    kpi_set_activate,
    kpi_set_delete,
    kpi_set_retire,
    kpi_set_write,
    set_problems,
)
from orgdesign import access
from orgdesign.api.permissions import ReadOnlyTokenPermission
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.api.viewsets import HistoryMixin, OrgBaseViewSet, OrgUpdateMixin, OrgViewSet
from orgdesign.services import claim_revision, record_deletion

CONDITIONAL = "Send `If-Match` with the ETag you read: a stale one is refused with 412 and changes nothing."
STATE_CONFLICT = OpenApiResponse(description="The current state does not allow it (JSON error, code `conflict`).")


class AppraisalDataViewSet(OrgViewSet):
    """The appraisal library and cycles: everyone signed in reads, HR writes (model permissions)."""

    def action_response(self, obj):
        obj.refresh_from_db()
        return self._detail_response(obj)


def _crud_docs(noun, delete_note=""):
    article = "an" if noun[0] in "aeiou" else "a"
    return extend_schema_view(
        list=extend_schema(summary=f"List {noun}s"),
        retrieve=extend_schema(summary=f"Get {article} {noun}"),
        create=extend_schema(summary=f"Create {article} {noun}"),
        update=extend_schema(summary=f"Replace {article} {noun}", description=CONDITIONAL),
        partial_update=extend_schema(summary=f"Change some fields of {article} {noun}", description=CONDITIONAL),
        destroy=extend_schema(summary=f"Delete {article} {noun}", description=delete_note or CONDITIONAL),
    )


@_crud_docs("indicator", "Refused with 409 once a KPI set or an appraisal uses it: retire it instead.")
class IndicatorViewSet(AppraisalDataViewSet):
    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilterSet
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name", "dimension", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.values(*[f for f in IndicatorSerializer.Meta.fields if f != "levels"])

    def complete_rows(self, rows):
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["levels"] = []
        for level in (
            IndicatorLevel.objects.filter(indicator_id__in=by_id)
            .order_by("indicator_id", "level")
            .values("indicator_id", "level", "points", "description", "description_en")
        ):
            by_id[level.pop("indicator_id")]["levels"].append(level)
        return rows

    def perform_create_object(self, data):
        levels = data.pop("levels", None)
        return indicator_write(fields=data, levels=levels)

    def perform_update_object(self, obj, data, expected_revision):
        levels = data.pop("levels", None)
        return indicator_write(indicator=obj, fields=data, levels=levels, expected_revision=expected_revision)

    def perform_delete_object(self, obj, expected_revision):
        indicator_delete(indicator=obj, expected_revision=expected_revision)


@_crud_docs("KPI set")
class KpiSetViewSet(AppraisalDataViewSet):
    queryset = KpiSet.objects.all()
    serializer_class = KpiSetSerializer
    filterset_class = KpiSetFilterSet
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name", "status", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.values(
            *[f for f in KpiSetSerializer.Meta.fields if f not in ("items", "positions", "problems")]
        )

    def complete_rows(self, rows):
        by_id = {row["id"]: row for row in rows}
        for row in rows:
            row["items"], row["positions"] = [], []
        items = KpiItem.objects.filter(kpi_set_id__in=by_id).order_by("kpi_set_id", "order", "id")
        for item in items.values(
            "kpi_set_id", "indicator", "weight", "target", "order", dimension=F("indicator__dimension"),
            kind=F("indicator__kind"), retired=F("indicator__retired"), indicator_name=F("indicator__name"),
        ):  # fmt: skip
            by_id[item.pop("kpi_set_id")]["items"].append(item)
        memberships = KpiSet.positions.through.objects.filter(kpiset_id__in=by_id).order_by("position_id")
        for set_id, position_id in memberships.values_list("kpiset_id", "position_id"):
            by_id[set_id]["positions"].append(position_id)
        for row in rows:
            kpi_set = KpiSet(
                **{k: row[k] for k in ("id", "name", "results_weight", "ability_weight", "attitude_weight")}
            )
            row["problems"] = set_problems(kpi_set, row["items"])
            for item in row["items"]:
                del item["kind"], item["retired"], item["indicator_name"]
        return rows

    def perform_create_object(self, data):
        items, positions = data.pop("items", None), data.pop("positions", None)
        return kpi_set_write(fields=data, items=items, positions=positions)

    def perform_update_object(self, obj, data, expected_revision):
        items, positions = data.pop("items", None), data.pop("positions", None)
        return kpi_set_write(
            kpi_set=obj, fields=data, items=items, positions=positions, expected_revision=expected_revision
        )

    def perform_delete_object(self, obj, expected_revision):
        kpi_set_delete(kpi_set=obj, expected_revision=expected_revision)

    @extend_schema(summary="Activate a KPI set", request=None, responses={200: KpiSetSerializer, 400: None})
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        kpi_set = self.get_object()
        self.expected_revision(kpi_set)
        kpi_set_activate(kpi_set=kpi_set)
        return self.action_response(kpi_set)

    @extend_schema(summary="Retire a KPI set", request=None, responses={200: KpiSetSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        kpi_set = self.get_object()
        self.expected_revision(kpi_set)
        kpi_set_retire(kpi_set=kpi_set)
        return self.action_response(kpi_set)


@_crud_docs("rating band")
class RatingBandViewSet(AppraisalDataViewSet):
    queryset = RatingBand.objects.all()
    serializer_class = RatingBandSerializer
    ordering_fields = ["min_score", "code", "id"]
    search_fields = ["code", "name"]

    def row_queryset(self, queryset):
        return queryset.values(*RatingBandSerializer.Meta.fields)

    def perform_create_object(self, data):
        band = RatingBand(**data)
        band.full_clean()
        band.save()
        return band

    def perform_update_object(self, obj, data, expected_revision):
        for name, value in data.items():
            setattr(obj, name, value)
        obj.full_clean()
        claim_revision(obj, expected_revision)
        obj.save()
        return obj

    def perform_delete_object(self, obj, expected_revision):
        claim_revision(obj, expected_revision)
        record_deletion(obj, resource="rating-bands")
        obj.delete()


RESULTS_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv", "xlsx"], description="`csv` or `xlsx` for a file download; JSON by default."
)


@_crud_docs("appraisal cycle", "Only a draft cycle can be deleted (409 otherwise).")
class AppraisalCycleViewSet(AppraisalDataViewSet):
    queryset = AppraisalCycle.objects.select_related("scope")
    serializer_class = AppraisalCycleSerializer
    filterset_class = AppraisalCycleFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "period_start", "state", "updated", "id"]

    def row_queryset(self, queryset):
        fields = [f for f in AppraisalCycleSerializer.Meta.fields if f != "appraisal_count"]
        return queryset.annotate(appraisal_count=Count("appraisals")).values(*fields, "appraisal_count")

    def perform_create_object(self, data):
        return cycle_write(fields=data, user=self.request.user)

    def perform_update_object(self, obj, data, expected_revision):
        return cycle_write(cycle=obj, fields=data, expected_revision=expected_revision, user=self.request.user)

    def perform_delete_object(self, obj, expected_revision):
        cycle_delete(cycle=obj, expected_revision=expected_revision)

    def _step(self, service, body=None):
        cycle = self.get_object()
        self.expected_revision(cycle)
        kwargs = {}
        if body is not None:
            form = body(data=self.request.data)
            form.is_valid(raise_exception=True)
            kwargs = form.validated_data
        service(cycle=cycle, user=self.request.user, **kwargs)
        return self.action_response(cycle)

    @extend_schema(
        summary="Open the cycle",
        description="Creates one appraisal per active person in scope whose position has an active KPI set, "
        "freezing that set; `left_out` lists who got none and why. 409 unless the cycle is a draft.",
        request=None, responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._step(cycle_open)

    @extend_schema(summary="Start calibration", request=None,
                   responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="start-calibration")
    def start_calibration(self, request, pk=None):
        return self._step(cycle_start_calibration)

    @extend_schema(summary="Close the cycle", description="Freezes every reviewed appraisal's band and outcomes.",
                   request=None, responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(cycle_close)

    @extend_schema(
        summary="Reopen a closed cycle", description="Back to calibration; the reason is recorded.",
        request=ReasonSerializer, responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(cycle_reopen, body=ReasonSerializer)

    @extend_schema(
        summary="Results of the cycle",
        description="One row per appraisal: scores, bands, bonus coefficient, merit suggestion, promotion candidacy.",
        parameters=[RESULTS_FORMAT],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        cycle = self._cycle_for_all_results()
        wanted = request.query_params.get("format", "json")
        if wanted == "csv":
            return _download(exports.results_csv(cycle), "text/csv; charset=utf-8", f"{cycle.name}-results.csv")
        if wanted == "xlsx":
            return _download(
                exports.results_xlsx(cycle),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{cycle.name}-results.xlsx",
            )
        return Response({"cycle": cycle.pk, "results": cycle_results(cycle)})

    @extend_schema(summary="Band distribution per unit against the guideline", responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def distribution(self, request, pk=None):
        return Response(cycle_distribution(self._cycle_for_all_results()))

    def _cycle_for_all_results(self):
        cycle = self.get_object()
        if not access.sees_all_appraisals(self.request.user):
            raise PermissionDenied(_("Only HR sees the results of a whole cycle."))
        return cycle

    def perform_content_negotiation(self, request, force=False):
        if self.action == "results":
            return FastJSONRenderer(), FastJSONRenderer.media_type
        return super().perform_content_negotiation(request, force)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


APPRAISAL_ROW_FIELDS = [
    f for f in AppraisalSerializer.Meta.fields
    if f not in ("lines", "employee_no", "employee_name", "reviewer_name", "cycle_name")
]  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="List appraisals"),
    retrieve=extend_schema(summary="Get an appraisal with its lines and score breakdown"),
    update=extend_schema(summary="Replace what HR may change in an appraisal", description=CONDITIONAL),
    partial_update=extend_schema(
        summary="Change comments, feedback, the reviewer or line values and scores",
        description="Sends `lines` as [{id, actual, self_score, manager_score, ...}]. A score outside the "
        "indicator's scale is refused naming the line. 409 in a closed cycle. " + CONDITIONAL,
    ),
)
class AppraisalViewSet(HistoryMixin, OrgUpdateMixin, OrgBaseViewSet):
    """Appraisals the user may see (`access.appraisals_for`); what they may do follows their role in each."""

    queryset = Appraisal.objects.all()
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    permission_classes = [IsAuthenticated, ReadOnlyTokenPermission]
    search_fields = ["employee__employee_no", "employee__name", "position_title"]
    ordering_fields = ["final_score", "state", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.values(
            *APPRAISAL_ROW_FIELDS, employee_no=F("employee__employee_no"), employee_name=F("employee__name"),
            reviewer_name=F("reviewer__name"), cycle_name=F("cycle__name"),
        )  # fmt: skip

    def complete_rows(self, rows):
        lines = appraisal_lines_by_appraisal([row["id"] for row in rows])
        for row in rows:
            row["lines"] = lines.get(row["id"], [])
        return rows

    def history_of(self, obj):
        return [(Appraisal.history.filter(id=obj.pk), "appraisal"),
                (AppraisalLine.history.filter(appraisal_id=obj.pk), "appraisal line")]  # fmt: skip

    def role(self, appraisal, allowed):
        """The user's role in `appraisal` if it is one of `allowed`; otherwise 403."""
        role = access.appraisal_role(self.request.user, appraisal)
        if role not in allowed:
            raise PermissionDenied(_("Your role in this appraisal does not allow that."))
        return role

    def perform_update_object(self, obj, data, expected_revision):
        lines = data.pop("lines", None)
        role = self.role(obj, {"hr", "manager", "employee"})
        return appraisal_update(appraisal=obj, role=role, fields=data, lines=lines, expected_revision=expected_revision)

    def _step(self, service, allowed, body=None, **kwargs):
        """Find the appraisal (404 if not visible), check the role (403), then read the body (400) and act."""
        appraisal = self.get_object()
        self.role(appraisal, allowed)
        if body is not None:
            form = body(data=self.request.data)
            form.is_valid(raise_exception=True)
            kwargs.update(form.validated_data)
        service(appraisal=appraisal, expected_revision=self.expected_revision(appraisal), **kwargs)
        appraisal.refresh_from_db()
        return self._detail_response(appraisal)

    @extend_schema(summary="Submit the self-assessment", request=None,
                   responses={200: AppraisalSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="submit-self")
    def submit_self(self, request, pk=None):
        return self._step(appraisal_submit_self, {"employee", "hr"})

    @extend_schema(summary="Submit the manager's review", description="Every line scored and the feedback date set.",
                   request=None, responses={200: AppraisalSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="submit-review")
    def submit_review(self, request, pk=None):
        return self._step(appraisal_submit_review, {"manager", "hr"})

    @extend_schema(summary="Move the band during calibration", request=CalibrateSerializer,
                   responses={200: AppraisalSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        return self._step(appraisal_calibrate, {"hr"}, body=CalibrateSerializer, user=request.user)

    @extend_schema(summary="Acknowledge the result (optionally objecting)", request=AcknowledgeSerializer,
                   responses={200: AppraisalSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._step(appraisal_acknowledge, {"employee"}, body=AcknowledgeSerializer)
