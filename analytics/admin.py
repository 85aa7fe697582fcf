from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from analytics.models import Process, ProcessStep, RaciAssignment
from analytics.services import process_delete, process_write
from orgdesign.admin import RevisionCheckedForm, ServiceAdmin


class ProcessForm(RevisionCheckedForm):
    class Meta:
        model = Process
        fields = "__all__"


class StepInline(admin.TabularInline):
    """The steps, read-only here: the matrix page edits them with their roles, one Accountable each."""

    model = ProcessStep
    fields = ("order", "name", "name_en", "description")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("steps (edited on the matrix page)")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Process)
class ProcessAdmin(ServiceAdmin):
    form = ProcessForm
    list_display = ("code", "name", "name_en", "owner", "order", "updated")
    list_filter = ("owner",)
    search_fields = ("code", "name", "name_en")
    list_select_related = ("owner",)
    fields = (("code", "order"), ("name", "name_en"), "owner", "description", "revision_seen")
    inlines = (StepInline,)

    def save_service(self, obj, form, request):
        process_write(process=obj, expected_revision=form.cleaned_data.get("revision_seen"))

    def delete_service(self, obj):
        process_delete(process=obj)


@admin.register(RaciAssignment)
class RaciAssignmentAdmin(SimpleHistoryAdmin):
    """Who holds which role where, to search and filter; the matrix page changes them."""

    list_display = ("position", "role", "step", "process")
    list_filter = ("role", "step__process")
    search_fields = ("position__title", "position__code", "step__name", "step__process__name")
    list_select_related = ("position", "step__process")

    @admin.display(description=_("process"), ordering="step__process")
    def process(self, obj):
        return obj.step.process

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
