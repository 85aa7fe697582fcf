from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view

from orgdesign.api.viewsets import FORMAT_PARAMETER, CSVMixin, HistoryMixin, OrgViewSet, WholeListMixin
from positions.api.serializers import EmployeeSerializer, PositionSerializer
from positions.filtersets import EmployeeFilterSet, PositionFilterSet
from positions.models import Authority, Duty, Employee, Position, WorkStandard
from positions.selectors import attach_description_parts, position_chunk, position_rows
from positions.services import employee_create, employee_delete, employee_update, position_delete, position_write

CONDITIONAL = "Send `If-Match` with the ETag you read: a stale one is refused with 412 and changes nothing."


@extend_schema_view(
    whole_list=extend_schema(summary="Every position in one response", responses=PositionSerializer(many=True)),
    list=extend_schema(
        summary="List positions",
        description="Positions with their published descriptions. `?format=csv` gives the flat fields as CSV.",
        parameters=[FORMAT_PARAMETER],
    ),
    retrieve=extend_schema(summary="Get a position", description="`If-None-Match` with the current ETag gives 304."),
    create=extend_schema(summary="Create a position", description="Description parts may be sent in the same request."),
    update=extend_schema(summary="Replace a position", description=CONDITIONAL),
    partial_update=extend_schema(summary="Change some fields or parts of a position", description=CONDITIONAL),
    destroy=extend_schema(
        summary="Delete a position", description="Refused with 409 while people hold it or positions report to it."
    ),
)
class PositionViewSet(HistoryMixin, WholeListMixin, CSVMixin, OrgViewSet):
    access_resource = "organisation"
    detail_from_row = True  # visibility is in the query; no permission looks at the object
    queryset = Position.objects.all()
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    search_fields = ["code", "title", "title_en"]
    ordering_fields = ["code", "title", "title_en", "headcount", "grade", "order", "created", "updated", "id"]

    def row_queryset(self, queryset):
        return position_rows(queryset)

    def whole_list_chunk(self, queryset, after, size):
        return position_chunk(queryset, after, size)

    def complete_rows(self, rows):
        return attach_description_parts(rows)

    def perform_create_object(self, data):
        fields, parts = self.get_serializer().split(data)
        return position_write(fields=fields, parts=parts, **self.write_context())

    def perform_update_object(self, obj, data, expected_revision):
        fields, parts = self.get_serializer().split(data)
        return position_write(
            position=obj, fields=fields, parts=parts, expected_revision=expected_revision, **self.write_context()
        )

    def perform_delete_object(self, obj, expected_revision):
        position_delete(position=obj, expected_revision=expected_revision)

    def history_of(self, obj):
        return [
            (Position.history.filter(id=obj.pk), "position"),
            (Duty.history.filter(position_id=obj.pk), "duty"),
            (Authority.history.filter(position_id=obj.pk), "authority"),
            (WorkStandard.history.filter(position_id=obj.pk), "work standard"),
        ]


EMPLOYEE_ROW_FIELDS = (
    "id", "employee_no", "name", "name_en", "email", "position", "start_date", "active", "revision", "created",
    "updated",
)  # fmt: skip


@extend_schema_view(
    whole_list=extend_schema(summary="Every employee in one response", responses=EmployeeSerializer(many=True)),
    list=extend_schema(
        summary="List employees", description="`?format=csv` gives the same rows as CSV.", parameters=[FORMAT_PARAMETER]
    ),
    retrieve=extend_schema(summary="Get an employee"),
    create=extend_schema(summary="Add an employee", description="Refused when the position is already full."),
    update=extend_schema(summary="Replace an employee", description=CONDITIONAL),
    partial_update=extend_schema(summary="Change some fields of an employee", description=CONDITIONAL),
    destroy=extend_schema(summary="Delete an employee"),
)
class EmployeeViewSet(HistoryMixin, WholeListMixin, CSVMixin, OrgViewSet):
    access_resource = "organisation"
    detail_from_row = True  # visibility is in the query; no permission looks at the object
    queryset = Employee.objects.all()
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilterSet
    search_fields = ["employee_no", "name", "name_en", "email"]
    ordering_fields = ["employee_no", "name", "start_date", "created", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.values(*EMPLOYEE_ROW_FIELDS, department=F("position__department"), username=F("user__username"))

    def perform_create_object(self, data):
        return employee_create(**data)

    def perform_update_object(self, obj, data, expected_revision):
        return employee_update(employee=obj, expected_revision=expected_revision, **data)

    def perform_delete_object(self, obj, expected_revision):
        employee_delete(employee=obj, expected_revision=expected_revision)
