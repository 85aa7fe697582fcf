from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from appraisal import visibility
from appraisal.choices import IndicatorKind, KpiSetStatus
from appraisal.models import (
    Appeal,
    Appraisal,
    AppraisalCycle,
    AppraisalEvent,
    AppraisalLine,
    AppraisalPolicy,
    CycleEvent,
    Indicator,
    IndicatorLevel,
    KpiItem,
    KpiSet,
    RatingBand,
)
from appraisal.services import (
    appraisal_update,
    check_positions_free,
    cycle_close,
    cycle_open,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
    indicator_delete,
    indicator_write,
    kpi_set_activate,
    kpi_set_delete,
    kpi_set_problems,
    kpi_set_retire,
    kpi_set_write,
)
from orgdesign.admin import COMPACT_TEXT, RevisionCheckedForm, ServiceAdmin
from orgdesign.exceptions import Conflict


def _run_each(modeladmin, request, queryset, service, done_message, **kwargs):
    """Apply a service to each selected object, reporting refusals instead of failing the page."""
    done = 0
    for obj in queryset:
        try:
            service(obj, **kwargs)
            done += 1
        except (Conflict, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, f"{obj}: {text}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)


class LevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kind = self.instance.kind
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if kind == IndicatorKind.RATED and len(kept) < 2:
            raise ValidationError(_("A rated indicator needs at least two described levels."))
        if kind == IndicatorKind.QUANTITATIVE and kept:
            raise ValidationError(_("A quantitative indicator is scored against its target and has no levels."))


class IndicatorLevelInline(admin.TabularInline):
    model = IndicatorLevel
    formset = LevelFormSet
    formfield_overrides = COMPACT_TEXT
    extra = 0


class IndicatorForm(RevisionCheckedForm):
    class Meta:
        model = Indicator
        fields = "__all__"


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    form = IndicatorForm
    list_display = ("code", "name", "name_en", "dimension", "kind", "unit", "direction", "retired")
    list_filter = ("dimension", "kind", "retired")
    search_fields = ("code", "name", "name_en")
    inlines = (IndicatorLevelInline,)
    fields = (
        ("code", "retired"), ("name", "name_en"), ("dimension", "kind"), ("unit", "direction"), "data_source",
        "measurement", ("description", "description_en"), "revision_seen",
    )  # fmt: skip

    def save_service(self, obj, form, request):
        indicator_write(
            indicator=obj, fields={}, expected_revision=form.cleaned_data.get("revision_seen"), check_levels=False
        )

    def delete_service(self, obj):
        indicator_delete(indicator=obj)


class KpiItemInline(admin.TabularInline):
    model = KpiItem
    autocomplete_fields = ("indicator",)
    extra = 0


class KpiSetForm(RevisionCheckedForm):
    class Meta:
        model = KpiSet
        fields = "__all__"


@admin.register(KpiSet)
class KpiSetAdmin(ServiceAdmin):
    form = KpiSetForm
    list_display = ("code", "name", "status", "results_weight", "ability_weight", "attitude_weight", "usable")
    list_filter = ("status",)
    search_fields = ("code", "name", "name_en", "positions__title")
    readonly_fields = ("status", "problems")
    filter_horizontal = ("positions",)
    inlines = (KpiItemInline,)
    actions = ("activate", "retire")
    fields = (
        ("code", "status"), ("name", "name_en"), ("results_weight", "ability_weight", "attitude_weight"),
        "positions", "description", "problems", "revision_seen",
    )  # fmt: skip

    @admin.display(description=_("can be used"), boolean=True)
    def usable(self, obj):
        return not kpi_set_problems(obj)

    @admin.display(description=_("problems"))
    def problems(self, obj):
        return "; ".join(kpi_set_problems(obj)) if obj.pk else "—"

    def save_service(self, obj, form, request):
        kpi_set_write(kpi_set=obj, fields={}, expected_revision=form.cleaned_data.get("revision_seen"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        kpi_set = form.instance
        problems = kpi_set_problems(kpi_set)
        try:
            check_positions_free(kpi_set)
        except ValidationError as error:
            problems += error.messages
        if kpi_set.status == KpiSetStatus.ACTIVE and problems:
            # An active set must stay usable: an edit that breaks it takes it back to draft, and says why.
            kpi_set.status = KpiSetStatus.DRAFT
            kpi_set.save(update_fields=["status"])
            self.message_user(request, _("Back to draft: ") + "; ".join(problems), level=messages.WARNING)

    def delete_service(self, obj):
        kpi_set_delete(kpi_set=obj)

    @admin.action(description=_("Activate the selected KPI sets"))
    def activate(self, request, queryset):
        _run_each(self, request, queryset, lambda s: kpi_set_activate(kpi_set=s), _("%(count)s set(s) activated."))

    @admin.action(description=_("Retire the selected KPI sets"))
    def retire(self, request, queryset):
        _run_each(self, request, queryset, lambda s: kpi_set_retire(kpi_set=s), _("%(count)s set(s) retired."))


@admin.register(RatingBand)
class RatingBandAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "name_en", "min_score", "bonus_coefficient", "merit_increase")
    list_editable = ("min_score", "bonus_coefficient", "merit_increase")


@admin.register(AppraisalPolicy)
class AppraisalPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "achievement_cap", "guideline_s_max", "guideline_sa_max", "promotion_band",
                    "promotion_cycles")  # fmt: skip

    def has_add_permission(self, request):
        return not AppraisalPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class CycleEventInline(admin.TabularInline):
    model = CycleEvent
    fields = ("at", "action", "user", "reason", "unfinished")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CycleForm(RevisionCheckedForm):
    class Meta:
        model = AppraisalCycle
        fields = "__all__"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(AppraisalCycle)
class AppraisalCycleAdmin(ServiceAdmin):
    form = CycleForm
    list_display = ("name", "period_start", "period_end", "state", "scope", "opened", "closed")
    list_filter = ("state",)
    search_fields = ("name",)
    readonly_fields = ("state", "opened", "closed", "left_out", "results_released")
    autocomplete_fields = ("scope", "top_reviewer")
    inlines = (CycleEventInline,)
    actions = ("open_cycles", "start_calibration", "close_cycles", "reopen_cycles")
    fields = (
        ("name", "state"), ("period_start", "period_end"), ("self_deadline", "review_deadline"), "scope",
        "top_reviewer", ("opened", "closed"), ("appeal_deadline", "results_released"), "left_out", "revision_seen",
    )  # fmt: skip

    def save_service(self, obj, form, request):
        names = ("name", "period_start", "period_end", "self_deadline", "review_deadline", "scope", "top_reviewer",
                 "appeal_deadline")  # fmt: skip
        fields = {name: getattr(obj, name) for name in names}
        if obj.pk is not None:
            original = AppraisalCycle.objects.get(pk=obj.pk)
            fields = {name: value for name, value in fields.items() if value != getattr(original, name)}
        if obj.pk is None:
            saved = cycle_write(fields=fields, user=request.user)
            obj.pk = saved.pk
        else:
            cycle_write(cycle=original, fields=fields, expected_revision=form.cleaned_data.get("revision_seen"))

    def delete_service(self, obj):
        from appraisal.services import cycle_delete

        cycle_delete(cycle=obj)

    @admin.action(description=_("Open the selected cycles"))
    def open_cycles(self, request, queryset):
        _run_each(self, request, queryset, lambda c: cycle_open(cycle=c, user=request.user), _("%(count)s opened."))

    @admin.action(description=_("Start calibration of the selected cycles"))
    def start_calibration(self, request, queryset):
        _run_each(self, request, queryset, lambda c: cycle_start_calibration(cycle=c, user=request.user),
                  _("%(count)s in calibration."))  # fmt: skip

    @admin.action(description=_("Close the selected cycles"))
    def close_cycles(self, request, queryset):
        _run_each(self, request, queryset, lambda c: cycle_close(cycle=c, user=request.user), _("%(count)s closed."))

    @admin.action(description=_("Reopen the selected cycles (asks for a reason)"))
    def reopen_cycles(self, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            _run_each(self, request, queryset,
                      lambda c: cycle_reopen(cycle=c, reason=form.cleaned_data["reason"], user=request.user),
                      _("%(count)s reopened."))  # fmt: skip
            return None
        return render(request, "admin/appraisal/reopen.html", {
            **self.admin_site.each_context(request), "title": _("Reopen cycles"), "cycles": queryset, "form": form,
            "opts": self.model._meta, "action": "reopen_cycles",
        })  # fmt: skip


class AppraisalLineInline(admin.TabularInline):
    model = AppraisalLine
    fields = (
        "name", "dimension", "weight", "target", "self_actual", "manager_actual", "actual", "self_score",
        "manager_score", "score", "self_comment", "comment",
    )  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        _fields, lines = visibility.readable(visibility.role_of(request.user, obj), visibility.Facts.of(obj))
        return [name for name in self.fields if name in lines or name in visibility.LINE_IDENTITY]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


class AppraisalEventInline(admin.TabularInline):
    model = AppraisalEvent
    fields = ("at", "action", "user", "reason", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AppraisalForm(RevisionCheckedForm):
    class Meta:
        model = Appraisal
        fields = ("reviewer",)


@admin.register(Appraisal)
class AppraisalAdmin(ServiceAdmin):
    """Appraisals are worked on in the pages and the API; here HR reads them and can change the reviewer."""

    form = AppraisalForm
    list_display = ("employee", "cycle", "position_title", "reviewer", "state", "final_score", "computed_band", "band")
    list_filter = ("cycle", "state", "band", "department")
    search_fields = ("employee__employee_no", "employee__name", "position_title")
    list_select_related = ("employee", "cycle", "reviewer")
    autocomplete_fields = ("reviewer",)
    inlines = (AppraisalLineInline, AppraisalEventInline)
    readonly_fields = (
        "cycle", "employee", "position_title", "department", "kpi_set", "state", "self_comment", "manager_comment",
        "results_score", "ability_score", "attitude_score", "final_score", "computed_band", "band", "band_reason",
        "band_note", "bonus_coefficient", "merit_increase", "feedback_date", "feedback_notes", "returned_reason",
        "acknowledged", "result_change_reason", "objection", "objection_resolved", "objection_resolution",
    )  # fmt: skip
    fields = ("reviewer", "revision_seen", *readonly_fields)

    def get_fields(self, request, obj=None):
        """What the visibility policy lets this reader see of the appraisal (HR: everything)."""
        if obj is None:
            return self.fields
        readable, _lines = visibility.readable(visibility.role_of(request.user, obj), visibility.Facts.of(obj))
        identity = {"reviewer", "revision_seen", "department", "position_title"}
        return [name for name in self.fields if name in readable or name in identity]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_service(self, obj, form, request):
        appraisal_update(
            appraisal=obj, role="hr", fields={"reviewer": form.cleaned_data["reviewer"]},
            expected_revision=form.cleaned_data.get("revision_seen"),
        )  # fmt: skip


@admin.register(Appeal)
class AppealAdmin(SimpleHistoryAdmin):
    """Appeals are filed and decided in the pages and the API (`/appeals/`); here HR reads them."""

    list_display = ("appraisal", "state", "due", "decider", "outcome", "decided")
    list_filter = ("state", "outcome", "appraisal__cycle")
    search_fields = ("appraisal__employee__employee_no", "appraisal__employee__name")
    list_select_related = ("appraisal__employee", "appraisal__cycle", "decider")
    readonly_fields = (
        "appraisal", "state", "grounds", "filed_by", "created", "due", "decider", "outcome", "decision", "decided",
        "decided_by", "band_before", "band_after", "score_before", "score_after",
    )  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
