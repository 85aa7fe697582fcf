from departments.models import Department
from orgdesign.api import fields
from orgdesign.api.fields import StrictModelSerializer
from orgdesign.api.serializers import RowSerializer, related_field
from positions.models import Position


class DepartmentSerializer(RowSerializer, StrictModelSerializer):
    """A unit of the organisation tree."""

    parent = related_field(
        Department.objects.all(), "unit", allow_null=True, required=False, help_text="Id of the parent unit."
    )
    head = related_field(
        Position.objects.all(), "position", allow_null=True, required=False,
        help_text="Id of the position that heads the unit; it must belong to the unit.",
    )  # fmt: skip
    depth = fields.IntegerField(read_only=True, help_text="Levels below the top of the tree (0 at the top).")
    position_count = fields.IntegerField(read_only=True, help_text="Positions directly in this unit.")

    class Meta:
        model = Department
        fields = [
            "id", "code", "name", "name_en", "kind", "parent", "function", "function_en", "head", "order",
            "depth", "position_count", "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = {
            "code": {"help_text": "Unique code of the unit."},
            "name": {"help_text": "Name in Chinese."},
            "name_en": {"help_text": "Name in English."},
            "kind": {"help_text": "headquarters, department or team."},
            "function": {"help_text": "Function statement (职能) in Chinese."},
            "function_en": {"help_text": "Function statement in English."},
            "order": {"help_text": "Order among the units of the same parent."},
        }
        # The unique check runs in the service (full_clean), in the same transaction as the write.
        validators = []
