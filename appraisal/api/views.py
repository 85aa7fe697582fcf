from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from appraisal import exports, visibility
from appraisal.api.serializers import (
    AcknowledgeSerializer,
    AppealAssignSerializer,
    AppealDecideSerializer,
    AppealFileSerializer,
    AppealSerializer,
    AppraisalBatchSerializer,
    AppraisalCycleSerializer,
    AppraisalLineSerializer,
    AppraisalSerializer,
    CalibrateManySerializer,
    CalibrateSerializer,
    GateConflictSerializer,
    GateSerializer,
    IndicatorSerializer,
    KpiSetSerializer,
    OpenPreviewSerializer,
    RatingBandSerializer,
    ReasonSerializer,
    ResolveObjectionSerializer,
    SendBackSerializer,
)
from appraisal.choices import AppealState
from appraisal.filtersets import (
    AppealFilterSet,
    AppraisalCycleFilterSet,
    AppraisalFilterSet,
    IndicatorFilterSet,
    KpiSetFilterSet,
)
from appraisal.models import (
    Appeal,
    Appraisal,
    AppraisalCycle,
    AppraisalLine,
    Indicator,
    IndicatorLevel,
    KpiItem,
    KpiSet,
    RatingBand,
)
from appraisal.selectors import appeals_for, cycle_distribution, cycle_results
from appraisal.services import (
    appeal_assign,
    appeal_decide,
    appeal_file,
    appraisal_acknowledge,
    appraisal_calibrate,
    appraisal_recall,
    appraisal_resolve_objection,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
    appraisals_calibrate,
    appraisals_return,
    cycle_close,
    cycle_delete,
    cycle_open,
    cycle_open_preview,
    cycle_release_results,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
    indicator_delete,
    indicator_write,
    kpi_set_activate,
    kpi_set_delete,
    kpi_set_retire,
    kpi_set_write,
    may_decide,
    set_problems,
)
from orgdesign import access
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.api.viewsets import HistoryMixin, OrgBaseViewSet, OrgUpdateMixin, OrgViewSet, etag_for
from orgdesign.downloads import content_disposition
from orgdesign.services import claim_revision, record_deletion
from positions.models import Position

CONDITIONAL = "Send `If-Match` with the ETag you read: a stale one is refused with 412 and changes nothing."
STATE_CONFLICT = OpenApiResponse(description="The current state does not allow it (JSON error, code `conflict`).")


class AppraisalDataViewSet(OrgViewSet):
    """The appraisal library and cycles: everyone signed in reads, HR writes (`access.POLICY`)."""

    access_resource = "library"

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
        if not access.reads_whole_organisation(self.request.user):  # only the positions the reader may see
            memberships = memberships.filter(
                position_id__in=access.visible(self.request.user, Position.objects.all()).values("pk")
            )
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
GATE_CONFLICT = OpenApiResponse(
    response=GateConflictSerializer,
    description="Appraisals are unfinished (`code` `unfinished`, with the counts), or the state does not allow it.",
)
GATE = (
    "Refused with 409 while appraisals are unfinished: the body's `code` is `unfinished` and `unfinished` counts "
    'them per state and per unit, with names. Send `{"force": true, "reason": "…"}` to go ahead anyway; '
    "the reason is kept."
)


def _hr_only(user):
    if not access.is_hr(user):
        raise PermissionDenied(_("Only HR can do that."))


def _appraisals_in(cycle, ids, field):
    """The appraisals of `cycle` with these ids, in the order given; an id not in the cycle is a 400 on `field`."""
    found = Appraisal.objects.filter(cycle=cycle, pk__in=ids).in_bulk()
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: _("No appraisal of %(cycle)s has the id %(ids)s.") % {
            "cycle": cycle, "ids": ", ".join(map(str, missing)),
        }})  # fmt: skip
    return [found[pk] for pk in ids]


@_crud_docs("appraisal cycle", "Only a draft cycle can be deleted (409 otherwise).")
class AppraisalCycleViewSet(AppraisalDataViewSet):
    access_resource = "cycles"
    queryset = AppraisalCycle.objects.select_related("scope")
    serializer_class = AppraisalCycleSerializer
    filterset_class = AppraisalCycleFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "period_start", "state", "updated", "id"]

    def row_queryset(self, queryset):
        fields = [f for f in AppraisalCycleSerializer.Meta.fields if f != "appraisal_count"]
        user = self.request.user
        if access.sees_all_appraisals(user):
            return queryset.annotate(appraisal_count=Count("appraisals")).values(*fields, "appraisal_count")
        # Anyone else counts the appraisals they may read, and does not read who was left out, or why.
        mine = access.visible(user, Appraisal.objects.all()).values("pk")
        return queryset.annotate(appraisal_count=Count("appraisals", filter=Q(appraisals__in=mine))).values(
            *fields, "appraisal_count"
        )

    def complete_rows(self, rows):
        if not access.sees_all_appraisals(self.request.user):
            for row in rows:
                row["left_out"] = None
        return rows

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

    @extend_schema(
        summary="What opening the cycle would do",
        description="How many appraisals opening creates, who is left out and why, whom HR reviews (nobody "
        "above them) and what stops it opening. Nothing is written. HR only.",
        responses={200: OpenPreviewSerializer},
    )  # fmt: skip
    @action(detail=True, methods=["get"], url_path="open-preview", filter_backends=[])
    def open_preview(self, request, pk=None):
        cycle = self.get_object()
        _hr_only(request.user)
        return Response(cycle_open_preview(cycle))

    @extend_schema(summary="Start calibration", description=GATE, request=GateSerializer,
                   responses={200: AppraisalCycleSerializer, 409: GATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="start-calibration")
    def start_calibration(self, request, pk=None):
        return self._step(cycle_start_calibration, body=GateSerializer)

    @extend_schema(
        summary="Close the cycle",
        description="Freezes every reviewed appraisal's band and outcomes; forced, the unfinished ones end as "
        "not completed (no score, band or outcome). " + GATE,
        request=GateSerializer, responses={200: AppraisalCycleSerializer, 409: GATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(cycle_close, body=GateSerializer)

    @extend_schema(
        summary="Reopen a closed cycle", description="Back to calibration; the reason is recorded.",
        request=ReasonSerializer, responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(cycle_reopen, body=ReasonSerializer)

    @extend_schema(
        summary="Release the results to employees before closing",
        description="Employees then read their submitted results (still provisional until the cycle closes). "
        "409 unless the cycle is open or in calibration. HR only.",
        request=None, responses={200: AppraisalCycleSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="release-results")
    def release_results(self, request, pk=None):
        _hr_only(request.user)
        return self._step(cycle_release_results)

    @extend_schema(
        summary="Send reviews back to their managers for rescoring",
        description="During calibration: each named appraisal's review is reopened, with the reason the manager "
        "reads, and its calibration undone. All or none. HR only.",
        request=SendBackSerializer, responses={200: AppraisalBatchSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        cycle = self.get_object()
        _hr_only(request.user)
        form = SendBackSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(form.validated_data["appraisals"]))
        appraisals = _appraisals_in(cycle, ids, "appraisals")
        appraisals_return(appraisals=appraisals, reason=form.validated_data["reason"], user=request.user)
        return self._appraisals_response(ids)

    @extend_schema(
        summary="Move several people's bands in one step",
        description="During calibration, all or none: `reason` is HR's (internal), `note` is what the employees "
        "read. A move with a stale `revision` refuses the whole step (412). HR only.",
        request=CalibrateManySerializer, responses={200: AppraisalBatchSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        cycle = self.get_object()
        _hr_only(request.user)
        form = CalibrateManySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        moves = form.validated_data["moves"]
        ids = [move["appraisal"] for move in moves]
        if len(set(ids)) != len(ids):
            raise ValidationError({"moves": _("Each person can be moved once in a step.")})
        found = {}
        for index, move in enumerate(moves):
            found[move["appraisal"]] = _appraisals_in(cycle, [move["appraisal"]], f"moves[{index}].appraisal")[0]
        appraisals_calibrate(
            moves=[(found[move["appraisal"]], move["band"], move.get("revision")) for move in moves],
            reason=form.validated_data["reason"], note=form.validated_data["note"], user=request.user,
        )  # fmt: skip
        return self._appraisals_response(ids)

    def _appraisals_response(self, ids):
        queryset = access.visible(self.request.user, Appraisal.objects.filter(pk__in=ids))
        by_id = {row["id"]: row for row in appraisal_rows(self.request.user, queryset)}
        rows = [by_id[pk] for pk in ids if pk in by_id]
        return Response({"count": len(rows), "results": rows})

    @extend_schema(
        summary="Results of the cycle",
        description="One row per appraisal: state, scores, bands, bonus coefficient, merit suggestion, promotion "
        "candidacy, objection and appeal. Only a submitted review has a result; the figures are provisional "
        "until the cycle closes. HR and those HR granted every appraisal; HR's internal calibration reason is "
        "null for anyone but HR, in the CSV and XLSX downloads too (empty cells).",
        parameters=[RESULTS_FORMAT],
        responses={200: OpenApiTypes.OBJECT},
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        cycle = self._cycle_for_all_results()
        role = self._results_role()
        wanted = request.query_params.get("format", "json")
        if wanted == "csv":
            body = exports.results_csv(cycle, role=role)
            return _download(body, "text/csv; charset=utf-8", f"{cycle.name}-results.csv")
        if wanted == "xlsx":
            return _download(
                exports.results_xlsx(cycle, role=role),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{cycle.name}-results.xlsx",
            )
        return Response({"cycle": cycle.pk, "results": cycle_results(cycle, role=role)})

    @extend_schema(
        summary="Band distribution per unit against the guideline",
        description="Only appraisals with a submitted review are charted; `charted` of `appraisals`, and why the "
        "rest are not. Each person's `reason` (HR's internal one) is null for anyone but HR.",
        responses={200: OpenApiTypes.OBJECT},
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def distribution(self, request, pk=None):
        cycle = self._cycle_for_all_results()
        return Response(cycle_distribution(cycle, role=self._results_role()))

    def _cycle_for_all_results(self):
        cycle = self.get_object()
        if not access.sees_all_appraisals(self.request.user):
            raise PermissionDenied(_("Only HR sees the results of a whole cycle."))
        return cycle

    def _results_role(self):
        """HR reads a cycle's results as HR; anyone else HR granted every appraisal reads them as a reader."""
        return "hr" if access.is_hr(self.request.user) else "reader"

    def perform_content_negotiation(self, request, force=False):
        if self.action == "results":
            return FastJSONRenderer(), FastJSONRenderer.media_type
        return super().perform_content_negotiation(request, force)


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- appraisals: rows as each reader may read them ---------------------------------------------

APPRAISAL_ROW_FIELDS = [
    f for f in AppraisalSerializer.Meta.fields
    if f not in ("lines", "employee_no", "employee_name", "reviewer_name", "cycle_name", "appeal")
]  # fmt: skip
APPEAL_SUMMARY = ("id", "state", "outcome", "due", "decided")
ROW_FACTS = ("cycle_state", "cycle_released", *(f"appeal__{name}" for name in (*APPEAL_SUMMARY, "decider")))


def appraisal_row_queryset(queryset):
    """The flat fields of each appraisal, with what the visibility policy and the role need, in one query."""
    return queryset.values(
        *APPRAISAL_ROW_FIELDS, *(f"appeal__{name}" for name in (*APPEAL_SUMMARY, "decider")),
        employee_no=F("employee__employee_no"), employee_name=F("employee__name"),
        reviewer_name=F("reviewer__name"), cycle_name=F("cycle__name"), cycle_state=F("cycle__state"),
        cycle_released=F("cycle__results_released"),
    )  # fmt: skip


def row_role(user, row):
    """The user's role in the appraisal of `row` (a dict with its employee, reviewer and appeal), as `role_of` says.

    Read from the row, so a list costs no query per row.
    """
    person = access.employee_of(user)
    if person is not None and row["employee"] == person.pk:
        return "employee"
    if access.is_hr(user):
        return "hr"
    if person is not None and row["reviewer"] == person.pk:
        return "reviewer"
    if access.sees_all_appraisals(user):
        return "reader"
    if row["appeal__decider"] == user.pk and row["appeal__state"] == AppealState.OPEN:
        return "reader"
    return None


def complete_appraisal_rows(user, rows):
    """Lines and the appeal for each row, then every field the user's role may not read set to None."""
    lines = defaultdict(list)
    line_rows = AppraisalLine.objects.filter(appraisal_id__in=[row["id"] for row in rows])
    for line in line_rows.order_by("appraisal_id", "order", "id").values(
        "appraisal_id", *AppraisalLineSerializer.Meta.fields
    ):
        lines[line.pop("appraisal_id")].append(line)
    for row in rows:
        facts, role = visibility.Facts.of(row), row_role(user, row)
        if facts.submitted_review and not row["band"]:
            row["band"] = row["computed_band"]  # a band HR did not move is the computed one
        extra = {name: row.pop(name) for name in ROW_FACTS}
        row["lines"] = lines.get(row["id"], [])
        row["appeal"] = (
            {name: extra[f"appeal__{name}"] for name in APPEAL_SUMMARY} if extra["appeal__id"] is not None else None
        )
        visibility.redact_row(row, role, facts)
    return rows


def appraisal_rows(user, queryset):
    return complete_appraisal_rows(user, list(appraisal_row_queryset(queryset)))


def _field_of_history(name):
    """The policy's name of a field in a history entry (a created entry names foreign keys by column)."""
    return name[:-3] if name.endswith("_id") else name


@extend_schema_view(
    list=extend_schema(
        summary="List appraisals",
        description="A field the reader may not see in an appraisal (its state, their role in it) is null.",
    ),
    retrieve=extend_schema(summary="Get an appraisal with its lines and score breakdown"),
    update=extend_schema(summary="Replace what HR may change in an appraisal", description=CONDITIONAL),
    partial_update=extend_schema(
        summary="Change comments, feedback, the reviewer or line values and scores",
        description="Sends `lines` as [{id, actual, self_score, manager_score, ...}]; `actual` goes to the "
        "writer's side (the employee's or the manager's). Every problem is reported at once, by field "
        "(`lines[2].manager_score`), and nothing is saved then. 409 in a closed cycle. " + CONDITIONAL,
    ),
)
class AppraisalViewSet(HistoryMixin, OrgUpdateMixin, OrgBaseViewSet):
    """Appraisals the user may see (`access.appraisals_for`); what they see and do follows their role in each."""

    queryset = Appraisal.objects.all()
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    access_resource = "appraisals"  # who acts on which appraisal: `access.appraisal_role` and the visibility policy
    search_fields = ["employee__employee_no", "employee__name", "position_title"]
    ordering_fields = ["final_score", "state", "updated", "id"]

    def get_queryset(self):
        """Only appraisals the user has a role in: a permission left over from another role shows nothing."""
        queryset = super().get_queryset()
        user = self.request.user
        if access.sees_all_appraisals(user):
            return queryset
        person = access.employee_of(user)
        mine = Q(appeal__decider=user.pk, appeal__state=AppealState.OPEN)
        if person is not None:
            mine |= Q(employee=person) | Q(reviewer=person)
        return queryset.filter(mine)

    def row_queryset(self, queryset):
        return appraisal_row_queryset(queryset)

    def complete_rows(self, rows):
        return complete_appraisal_rows(self.request.user, rows)

    def history_of(self, obj):
        return [(Appraisal.history.filter(id=obj.pk), "appraisal"),
                (AppraisalLine.history.filter(appraisal_id=obj.pk), "appraisal line")]  # fmt: skip

    def visible_history(self, obj, entries):
        """Only the changes of fields the reader may read now; an entry left with none goes (unless created/deleted).

        Fields are named as in the appraisal (`reviewer`, not `reviewer_id`), in created entries too.
        """
        appeal = Appeal.objects.filter(appraisal=obj).values("decider", "state").first() or {}
        role = row_role(self.request.user, {
            "employee": obj.employee_id, "reviewer": obj.reviewer_id,
            "appeal__decider": appeal.get("decider"), "appeal__state": appeal.get("state"),
        })  # fmt: skip
        facts = visibility.Facts.of(obj)
        readable = {
            kind: visibility.readable_history_fields(role, facts, kind) for kind in ("appraisal", "appraisal line")
        }
        kept = []
        for entry in entries:
            fields = readable[entry["object"]]
            changes = [
                {**change, "field": _field_of_history(change["field"])}
                for change in entry["changes"]
                if _field_of_history(change["field"]) in fields
            ]
            if changes or entry["action"] != "changed":
                kept.append({**entry, "changes": changes})
        return kept

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

    @extend_schema(
        summary="Recall a submitted review to change it",
        description="The reviewer (or HR, for those HR reviews) takes the review back until the employee "
        "acknowledges; calibration of the appraisal is undone.",
        request=None, responses={200: AppraisalSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        return self._step(appraisal_recall, {"manager", "hr"}, user=request.user)

    @extend_schema(
        summary="Move the band during calibration",
        description="`reason` is HR's internal reason; `note`, if any, is what the employee reads.",
        request=CalibrateSerializer, responses={200: AppraisalSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        return self._step(appraisal_calibrate, {"hr"}, body=CalibrateSerializer, user=request.user)

    @extend_schema(summary="Acknowledge the result (optionally objecting)", request=AcknowledgeSerializer,
                   responses={200: AppraisalSerializer, 409: STATE_CONFLICT})  # fmt: skip
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._step(appraisal_acknowledge, {"employee"}, body=AcknowledgeSerializer)

    @extend_schema(
        summary="Answer the employee's objection",
        description="HR writes what was done; the employee reads it. 409 when there is no open objection.",
        request=ResolveObjectionSerializer, responses={200: AppraisalSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"], url_path="resolve-objection")
    def resolve_objection(self, request, pk=None):
        return self._step(appraisal_resolve_objection, {"hr"}, body=ResolveObjectionSerializer, user=request.user)

    @extend_schema(
        summary="Appeal the result",
        description="The employee, after the cycle closed and until its appeal deadline, with written grounds; "
        "once per appraisal. 409 otherwise. The appeal is decided at /api/v1/appeals/{id}/decide/.",
        request=AppealFileSerializer, responses={201: AppealSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        appraisal = self.get_object()
        self.role(appraisal, {"employee"})
        form = AppealFileSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appeal = appeal_file(appraisal=appraisal, grounds=form.validated_data["grounds"], user=request.user)
        row = appeal_rows(request.user, Appeal.objects.filter(pk=appeal.pk))[0]
        response = Response(row, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"/api/v1/appeals/{appeal.pk}/")
        response["ETag"] = etag_for(appeal)
        return response


# --- appeals ------------------------------------------------------------------------------------

APPEAL_FIELDS = (
    "id", "appraisal", "state", "grounds", "due", "decider", "outcome", "decision", "decided", "band_before",
    "band_after", "score_before", "score_after", "revision", "created", "updated",
)  # fmt: skip


def appeal_row_queryset(queryset):
    return queryset.values(
        *APPEAL_FIELDS, cycle=F("appraisal__cycle"), employee=F("appraisal__employee"),
        employee_name=F("appraisal__employee__name"), employee_user=F("appraisal__employee__user"),
        decider_name=F("decider__username"),
    )  # fmt: skip


def complete_appeal_rows(user, rows):
    """Appeals as `user` reads them: the grounds only for HR, the employee and the person named to decide."""
    today = timezone.localdate()
    hr = access.is_hr(user)
    for row in rows:
        employee_user = row.pop("employee_user")
        row["filed"] = row["created"]
        row["overdue"] = row["state"] == AppealState.OPEN and row["due"] < today
        if not (hr or user.pk in (employee_user, row["decider"])):
            row["grounds"] = None
    return rows


def appeal_rows(user, queryset):
    return complete_appeal_rows(user, list(appeal_row_queryset(queryset)))


@extend_schema_view(
    list=extend_schema(
        summary="List appeals",
        description="HR: every appeal; the employee: their own; a person HR named to decide: those named. "
        "Nobody else sees any.",
    ),
    retrieve=extend_schema(summary="Get an appeal"),
)
class AppealViewSet(OrgBaseViewSet):
    """Appeals against closed results, with their deadlines and decisions."""

    queryset = Appeal.objects.all()
    serializer_class = AppealSerializer
    filterset_class = AppealFilterSet
    access_resource = "appeals"  # who decides: `may_decide`
    search_fields = ["appraisal__employee__employee_no", "appraisal__employee__name"]
    ordering_fields = ["due", "created", "decided", "state", "updated", "id"]

    def get_queryset(self):
        """HR: all; anyone else: those HR named them to decide, and their own."""
        queryset = super().get_queryset()
        user = self.request.user
        return appeals_for(user, queryset) | queryset.filter(appraisal__employee__user=user.pk)

    def row_queryset(self, queryset):
        return appeal_row_queryset(queryset)

    def complete_rows(self, rows):
        return complete_appeal_rows(self.request.user, rows)

    def _answer(self, appeal):
        appeal.refresh_from_db()
        return self._detail_response(appeal)

    @extend_schema(
        summary="Decide an appeal",
        description="HR, or the person HR named; never the appraisal's manager or the employee (403). `outcome` "
        "upheld or rejected leaves the result as it is; changed takes a new `band` and/or new line values "
        "(`lines`: [{id, manager_score | actual}]), recomputes this appraisal's score, band, bonus coefficient "
        "and merit increase, and asks the employee to acknowledge again. The written `decision` is what the "
        "employee reads. 409 once decided. " + CONDITIONAL,
        request=AppealDecideSerializer, responses={200: AppealSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = self.get_object()
        appeal = Appeal.objects.select_related("appraisal__employee", "appraisal__reviewer").get(pk=appeal.pk)
        if not may_decide(request.user, appeal):
            raise PermissionDenied(_("HR or the person HR named decides this appeal; never the manager who scored it."))
        form = AppealDecideSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        appeal_decide(
            appeal=appeal, outcome=data["outcome"], decision=data["decision"], band=data.get("band"),
            lines=data.get("lines"), user=request.user, expected_revision=self.expected_revision(appeal),
        )  # fmt: skip
        return self._answer(appeal)

    @extend_schema(
        summary="Name who decides an appeal",
        description="HR names a person (a user id; never the appraisal's manager or the employee) and may move "
        "the decision deadline; `decider` null gives it back to HR. 409 once decided. " + CONDITIONAL,
        request=AppealAssignSerializer, responses={200: AppealSerializer, 409: STATE_CONFLICT},
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        appeal = self.get_object()
        _hr_only(request.user)
        form = AppealAssignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        appeal_assign(
            appeal=appeal, decider=form.validated_data["decider"], due=form.validated_data.get("due"),
            user=request.user, expected_revision=self.expected_revision(appeal),
        )  # fmt: skip
        return self._answer(appeal)
