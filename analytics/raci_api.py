"""API of cross-unit processes and their RACI matrices."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from analytics.choices import RaciRole
from analytics.filtersets import ProcessFilterSet
from analytics.models import Process, ProcessStep, RaciAssignment
from analytics.raci import process_matrix, process_steps
from analytics.raci_exports import XLSX, process_matrix_xlsx
from analytics.services import process_delete, process_write
from departments.models import Department
from orgdesign import access
from orgdesign.api import fields
from orgdesign.api.fields import StrictModelSerializer
from orgdesign.api.renderers import FastJSONRenderer
from orgdesign.api.serializers import RowSerializer, related_field
from orgdesign.api.viewsets import HistoryMixin, OrgViewSet
from orgdesign.downloads import content_disposition
from positions.models import Position


class RaciAssignmentSerializer(serializers.Serializer):
    position = related_field(Position.objects.all(), "position", help_text="Id of the position.")
    role = fields.ChoiceField(
        choices=RaciRole.choices, help_text="R (Responsible), A (Accountable), C (Consulted) or I (Informed)."
    )


class ProcessStepSerializer(serializers.Serializer):
    id = fields.IntegerField(
        required=False, allow_null=True, help_text="Id of an existing step to keep; leave it out for a new step."
    )
    order = fields.IntegerField(read_only=True, help_text="Place of the step in the process, from 1.")
    name = fields.CharField(max_length=200, help_text="Name of the step in Chinese.")
    name_en = fields.CharField(max_length=200, required=False, allow_blank=True, help_text="Name in English.")
    description = fields.CharField(required=False, allow_blank=True, help_text="What happens in the step.")
    assignments = RaciAssignmentSerializer(
        many=True, required=False,
        help_text="The positions with a role in the step; exactly one A when any. Left out: the step keeps its own.",
    )  # fmt: skip
    problem = fields.CharField(
        read_only=True, allow_null=True, help_text="Why the step has not exactly one Accountable, or null."
    )


class ProcessSerializer(RowSerializer, StrictModelSerializer):
    """A cross-unit process with its steps and RACI matrix."""

    owner = related_field(
        Department.objects.all(), "unit", allow_null=True, required=False, help_text="Id of the owning unit."
    )
    steps = ProcessStepSerializer(
        many=True, required=False, help_text="The steps in order; when sent, they replace the current steps."
    )
    problems = serializers.ListField(
        child=fields.CharField(), read_only=True, help_text="Steps that have not exactly one Accountable."
    )

    class Meta:
        model = Process
        fields = [
            "id", "code", "name", "name_en", "description", "owner", "order", "steps", "problems",
            "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = {
            "code": {"help_text": "Unique code of the process."},
            "name": {"help_text": "Name in Chinese."},
            "name_en": {"help_text": "Name in English."},
            "description": {"help_text": "What the process is for."},
            "order": {"help_text": "Order among the processes."},
        }
        validators = []  # the unique check runs in the service (full_clean), in the write's transaction


MATRIX_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "xlsx"], description="`xlsx` for the matrix as a workbook; JSON by default."
)
CONDITIONAL = "Send `If-Match` with the ETag you read: a stale one is refused with 412 and changes nothing."


@extend_schema_view(
    list=extend_schema(summary="List cross-unit processes", description="Each with its steps and RACI assignments."),
    retrieve=extend_schema(summary="Get a cross-unit process"),
    create=extend_schema(
        summary="Create a cross-unit process",
        description="Steps may be sent with it; a step with assignments needs exactly one A (400 naming the step).",
    ),
    update=extend_schema(summary="Replace a cross-unit process", description=CONDITIONAL),
    partial_update=extend_schema(summary="Change some fields or the steps of a process", description=CONDITIONAL),
    destroy=extend_schema(summary="Delete a cross-unit process", description=CONDITIONAL),
)
class ProcessViewSet(HistoryMixin, OrgViewSet):
    """Everyone signed in reads processes (assignments of the positions they may see); HR writes them."""

    access_resource = "processes"
    detail_from_row = True  # no permission looks at the object
    queryset = Process.objects.all()
    serializer_class = ProcessSerializer
    filterset_class = ProcessFilterSet
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name", "order", "created", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.values(*[f for f in ProcessSerializer.Meta.fields if f not in ("steps", "problems")])

    def complete_rows(self, rows):
        steps = process_steps([row["id"] for row in rows], user=self.request.user)
        for row in rows:
            row["steps"] = steps[row["id"]]
            row["problems"] = [step["problem"] for step in row["steps"] if step["problem"]]
        return rows

    def perform_create_object(self, data):
        steps = data.pop("steps", None)
        return process_write(fields=data, steps=steps)

    def perform_update_object(self, obj, data, expected_revision):
        steps = data.pop("steps", None)
        return process_write(process=obj, fields=data, steps=steps, expected_revision=expected_revision)

    def perform_delete_object(self, obj, expected_revision):
        process_delete(process=obj, expected_revision=expected_revision)

    def history_of(self, obj):
        step_ids = ProcessStep.history.filter(process_id=obj.pk).values("id")
        return [
            (Process.history.filter(id=obj.pk), "process"),
            (ProcessStep.history.filter(process_id=obj.pk), "step"),
            (self._visible_assignments(RaciAssignment.history.filter(step_id__in=step_ids)), "RACI assignment"),
        ]

    def _visible_assignments(self, history):
        """Assignments of the positions the reader may see: the rest of the trail is not theirs to read."""
        user = self.request.user
        if access.reads_whole_organisation(user):
            return history
        return history.filter(position_id__in=access.visible(user, Position.objects.all()).values("pk"))

    @extend_schema(
        summary="The RACI matrix of a process",
        description="Steps as rows, the positions involved as columns (those you may see), a role or \"\" per cell. "
        "`?format=xlsx` gives it as a workbook.",
        parameters=[MATRIX_FORMAT],
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )  # fmt: skip
    @action(detail=True, methods=["get"], filter_backends=[])
    def matrix(self, request, pk=None):
        process = self.get_object()
        matrix = process_matrix(process, user=request.user)
        if request.query_params.get("format") == "xlsx":
            response = HttpResponse(process_matrix_xlsx(process, matrix), content_type=XLSX)
            response["Content-Disposition"] = content_disposition(f"RACI-{process.code}.xlsx")
            return response
        return Response({"process": process.pk, "revision": process.revision, **matrix})

    def perform_content_negotiation(self, request, force=False):
        if self.action == "matrix":
            return FastJSONRenderer(), FastJSONRenderer.media_type
        return super().perform_content_negotiation(request, force)
