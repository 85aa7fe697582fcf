from django.contrib import admin
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from orgdesign.admin import COMPACT_TEXT, RevisionCheckedForm, ServiceAdmin
from orgdesign.choices import ChangeSource
from positions.models import Authority, DescriptionDraft, DescriptionVersion, Duty, Employee, Position, WorkStandard
from positions.services import description_publish, employee_delete, employee_save, position_delete, position_save


class PositionForm(RevisionCheckedForm):
    class Meta:
        model = Position
        fields = "__all__"


class DutyInline(admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = Duty
    fields = ("order", "category", "title", "text", "title_en", "text_en")
    extra = 0


class AuthorityInline(admin.TabularInline):
    formfield_overrides = COMPACT_TEXT
    model = Authority
    fields = ("order", "text", "text_en")
    extra = 0


class WorkStandardInline(admin.TabularInline):
    model = WorkStandard
    fields = ("order", "measure", "measure_en", "target", "unit", "duty")
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "duty":
            position_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Duty.objects.filter(position_id=position_id) if position_id else Duty.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HeadcountFilter(admin.SimpleListFilter):
    title = _("staffing")
    parameter_name = "staffing"

    def lookups(self, request, model_admin):
        return (("vacant", _("has vacancies")), ("full", _("fully staffed")))

    def queryset(self, request, queryset):
        if self.value() == "vacant":
            return queryset.filter(filled_total__lt=F("headcount"))
        if self.value() == "full":
            return queryset.filter(filled_total__gte=F("headcount"))
        return queryset


@admin.register(Position)
class PositionAdmin(ServiceAdmin):
    form = PositionForm
    list_display = ("code", "title", "title_en", "department", "reports_to", "filled_planned", "is_key", "updated")
    list_filter = ("department", "is_key", HeadcountFilter, "grade")
    search_fields = ("code", "title", "title_en")
    list_select_related = ("department", "reports_to")
    autocomplete_fields = ("department", "reports_to")
    fieldsets = (
        (
            _("Basic information"),
            {
                "fields": (
                    ("code", "order"),
                    ("title", "title_en"),
                    ("department", "reports_to"),
                    ("grade", "headcount", "is_key"),
                    "revision_seen",
                )
            },
        ),
        (_("Purpose"), {"fields": ("purpose", "purpose_en")}),
    )
    inlines = (DutyInline, AuthorityInline, WorkStandardInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(filled_total=Count("holders", filter=Q(holders__active=True)))

    @admin.display(description=_("filled / planned"), ordering="filled_total")
    def filled_planned(self, obj):
        return f"{obj.filled_total} / {obj.headcount}"

    def save_service(self, obj, form, request):
        position_save(position=obj, expected_revision=form.cleaned_data.get("revision_seen"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        description_publish(position=form.instance, user=request.user, source=ChangeSource.ADMIN)

    def delete_service(self, obj):
        position_delete(position=obj)


@admin.register(DescriptionVersion)
class DescriptionVersionAdmin(admin.ModelAdmin):
    """Published versions are a record: readable, never edited or removed by hand."""

    list_display = ("position", "number", "source", "author", "reviewer", "published")
    list_filter = ("source", "position__department")
    search_fields = ("position__code", "position__title")
    list_select_related = ("position", "author", "reviewer")
    readonly_fields = ("position", "number", "snapshot", "author", "reviewer", "source", "note", "published")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EmployeeForm(RevisionCheckedForm):
    class Meta:
        model = Employee
        fields = "__all__"


@admin.register(Employee)
class EmployeeAdmin(ServiceAdmin):
    form = EmployeeForm
    fields = (
        ("employee_no", "active"),
        ("name", "name_en"),
        "email",
        "user",
        "position",
        "start_date",
        "revision_seen",
    )
    list_display = ("employee_no", "name", "name_en", "position", "unit", "start_date", "active")
    list_filter = ("active", "position__department")
    search_fields = ("employee_no", "name", "name_en", "email", "position__title")
    list_select_related = ("position__department",)
    autocomplete_fields = ("position", "user")

    @admin.display(description=_("unit"), ordering="position__department__path")
    def unit(self, obj):
        return obj.position.department if obj.position_id else "—"

    def save_service(self, obj, form, request):
        employee_save(employee=obj, expected_revision=form.cleaned_data.get("revision_seen"))

    def delete_service(self, obj):
        employee_delete(employee=obj)


@admin.register(DescriptionDraft)
class DescriptionDraftAdmin(SimpleHistoryAdmin):
    """Drafts are written and reviewed through their services (pages and API); here they are read."""

    list_display = ("position", "state", "author", "submitted", "updated")
    list_filter = ("state",)
    search_fields = ("position__code", "position__title")
    readonly_fields = ("position", "content", "state", "author", "submitted", "review_comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
