from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from departments.models import CollaborationMechanism, Department, DepartmentDuty
from departments.services import department_delete, department_save
from orgdesign.admin import COMPACT_TEXT, RevisionCheckedForm, ServiceAdmin
from positions.models import Position


class DepartmentForm(RevisionCheckedForm):
    class Meta:
        model = Department
        fields = "__all__"


class PositionListInline(admin.TabularInline):
    """The unit's positions, read-only here; they are edited on their own pages."""

    model = Position
    fields = ("code", "title", "title_en", "reports_to", "headcount", "is_key")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = _("positions in this unit")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reports_to")


class DepartmentDutyInline(admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = DepartmentDuty
    fields = ("order", "area", "title", "text", "area_en", "title_en", "text_en")
    extra = 0


class MechanismInline(admin.StackedInline):
    model = CollaborationMechanism
    fields = (("kind", "order"), ("name", "name_en"), ("description", "description_en"), ("participants", "frequency"))
    extra = 0


@admin.register(Department)
class DepartmentAdmin(ServiceAdmin):
    form = DepartmentForm
    list_display = ("code", "name", "name_en", "kind", "parent", "head", "position_count", "updated")
    list_filter = ("kind", "parent")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent", "head")
    autocomplete_fields = ("parent", "head")
    fieldsets = (
        (None, {"fields": (("code", "kind"), ("name", "name_en"), ("parent", "order"), "head", "revision_seen")}),
        (_("Function"), {"fields": ("function", "function_en")}),
    )
    inlines = (PositionListInline, DepartmentDutyInline, MechanismInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(position_total=Count("positions"))

    @admin.display(description=_("positions"), ordering="position_total")
    def position_count(self, obj):
        return obj.position_total

    def save_service(self, obj, form, request):
        department_save(department=obj, expected_revision=form.cleaned_data.get("revision_seen"))

    def delete_service(self, obj):
        department_delete(department=obj)


@admin.register(CollaborationMechanism)
class CollaborationMechanismAdmin(SimpleHistoryAdmin):
    list_display = ("name", "name_en", "kind", "department", "frequency")
    list_filter = ("kind", "department")
    search_fields = ("name", "name_en", "description")


@admin.register(DepartmentDuty)
class DepartmentDutyAdmin(SimpleHistoryAdmin):
    list_display = ("department", "area", "title", "order")
    list_filter = ("department",)
    search_fields = ("title", "text", "area")
