from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view

from departments.api.serializers import DepartmentSerializer
from departments.filtersets import DepartmentFilterSet
from departments.models import Department
from departments.services import department_create, department_delete, department_update
from orgdesign.api.viewsets import HistoryMixin, OrgViewSet, WholeListMixin

ROW_FIELDS = (
    "id", "code", "name", "name_en", "kind", "parent", "function", "function_en", "head", "order", "depth",
    "revision", "created", "updated",
)  # fmt: skip


@extend_schema_view(
    whole_list=extend_schema(summary="Every unit in one response", responses=DepartmentSerializer(many=True)),
    list=extend_schema(summary="List units", description="Units of the organisation tree, in tree order."),
    retrieve=extend_schema(summary="Get a unit"),
    create=extend_schema(summary="Create a unit"),
    update=extend_schema(summary="Replace a unit", description="Send `If-Match` with the ETag you read to be safe."),
    partial_update=extend_schema(summary="Change some fields of a unit"),
    destroy=extend_schema(
        summary="Delete a unit", description="Refused with 409 while the unit has sub-units or positions."
    ),
)
class DepartmentViewSet(HistoryMixin, WholeListMixin, OrgViewSet):
    access_resource = "organisation"
    detail_from_row = True  # visibility is in the query; no permission looks at the object
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name", "order", "depth", "created", "updated", "id"]

    def row_queryset(self, queryset):
        return queryset.annotate(position_count=Count("positions")).values(*ROW_FIELDS, "position_count")

    def perform_create_object(self, data):
        return department_create(**data)

    def perform_update_object(self, obj, data, expected_revision):
        return department_update(department=obj, expected_revision=expected_revision, **data)

    def perform_delete_object(self, obj, expected_revision):
        department_delete(department=obj, expected_revision=expected_revision)
