from departments.models import Department
from orgdesign.api import fields
from orgdesign.api.fields import StrictModelSerializer
from orgdesign.api.serializers import RowSerializer, related_field
from positions.models import Authority, Duty, Employee, Position, WorkStandard


class PartSerializer(StrictModelSerializer):
    id = fields.IntegerField(
        required=False, allow_null=True,
        help_text="Id of an existing part to change in place; leave out to add a new part.",
    )  # fmt: skip
    order = fields.IntegerField(
        required=False, min_value=0, help_text="Place in the list; defaults to the place in the request."
    )


class DutySerializer(PartSerializer):
    """A duty: core, auxiliary or temporary."""

    class Meta:
        model = Duty
        fields = ["id", "category", "title", "title_en", "text", "text_en", "order"]
        extra_kwargs = {
            "category": {"help_text": "core, auxiliary or temporary."},
            "title": {"help_text": "Short title in Chinese, where the duty has one."},
            "title_en": {"help_text": "Short title in English."},
            "text": {"help_text": "The duty in Chinese."},
            "text_en": {"help_text": "The duty in English."},
        }


class AuthoritySerializer(PartSerializer):
    """The scope of a decision the position may take."""

    class Meta:
        model = Authority
        fields = ["id", "text", "text_en", "order"]
        extra_kwargs = {
            "text": {"help_text": "The scope of decision in Chinese."},
            "text_en": {"help_text": "The scope of decision in English."},
        }


class WorkStandardSerializer(PartSerializer):
    """A measurable standard of the work."""

    duty_index = fields.IntegerField(
        required=False, allow_null=True, min_value=0,
        help_text="Place (from 0) in `duties` of the duty this standard measures; null for none.",
    )  # fmt: skip
    duty = fields.IntegerField(read_only=True, allow_null=True, help_text="Id of the duty it measures.")

    class Meta:
        model = WorkStandard
        fields = ["id", "measure", "measure_en", "target", "unit", "duty", "duty_index", "order"]
        extra_kwargs = {
            "measure": {"help_text": "What is measured, in Chinese."},
            "measure_en": {"help_text": "What is measured, in English."},
            "target": {"help_text": "The target value (a decimal number)."},
            "unit": {"help_text": "Unit of the target, e.g. %, 天, 次."},
        }


class PositionSerializer(RowSerializer, StrictModelSerializer):
    """A position with its published description (basic information, duties, authorities, standards).

    Writing `duties`, `authorities` or `standards` replaces that list: parts sent with an `id`
    are changed in place, parts without one are added, parts left out are removed. Every write
    that changes the description records it as the next published version.
    """

    department = related_field(Department.objects.all(), "unit", help_text="Id of the unit the position belongs to.")
    reports_to = related_field(
        Position.objects.all(), "position", allow_null=True, required=False,
        help_text="Id of the direct superior's position; null at the top.",
    )  # fmt: skip
    filled = fields.IntegerField(read_only=True, help_text="Active people holding the position.")
    vacant = fields.IntegerField(read_only=True, help_text="Planned headcount minus filled (never below 0).")
    version = fields.IntegerField(
        read_only=True, allow_null=True, help_text="Number of the published description version."
    )
    duties = DutySerializer(many=True, required=False, help_text="Duties, in order.")
    authorities = AuthoritySerializer(many=True, required=False, help_text="Authorities, in order.")
    standards = WorkStandardSerializer(many=True, required=False, help_text="Work standards, in order.")

    class Meta:
        model = Position
        fields = [
            "id", "code", "title", "title_en", "department", "reports_to", "grade", "headcount", "filled", "vacant",
            "is_key", "purpose", "purpose_en", "order", "version", "duties", "authorities", "standards",
            "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = {
            "code": {"help_text": "Unique code of the position."},
            "title": {"help_text": "Title in Chinese."},
            "title_en": {"help_text": "Title in English."},
            "grade": {"help_text": "Grade (a whole number), or null."},
            "headcount": {"help_text": "Planned headcount; not below the people holding it now."},
            "is_key": {"help_text": "Whether this is a key position."},
            "purpose": {"help_text": "Why the position exists, in Chinese."},
            "purpose_en": {"help_text": "Why the position exists, in English."},
            "order": {"help_text": "Order within the unit."},
        }
        validators = []

    PART_FIELDS = ("duties", "authorities", "standards")

    def split(self, data):
        """The position's own fields and the description parts sent with them."""
        fields = {k: v for k, v in data.items() if k not in self.PART_FIELDS}
        parts = {k: v for k, v in data.items() if k in self.PART_FIELDS}
        return fields, parts


class EmployeeSerializer(RowSerializer, StrictModelSerializer):
    """A person and the position they hold."""

    position = related_field(
        Position.objects.all(), "position", allow_null=True, required=False, help_text="Id of the position held."
    )
    department = fields.IntegerField(read_only=True, allow_null=True, help_text="Id of the unit of the position.")
    username = fields.CharField(read_only=True, allow_null=True, help_text="Login name, if the person has one.")

    class Meta:
        model = Employee
        fields = [
            "id", "employee_no", "name", "name_en", "email", "position", "department", "username", "start_date",
            "active", "revision", "created", "updated",
        ]  # fmt: skip
        extra_kwargs = {
            "employee_no": {"help_text": "Unique employee number."},
            "name": {"help_text": "Name in Chinese."},
            "name_en": {"help_text": "Name in English."},
            "email": {"help_text": "Work email."},
            "start_date": {"help_text": "Date the person started in the position."},
            "active": {"help_text": "Whether the person is employed now; inactive people hold no seat."},
        }
        validators = []
