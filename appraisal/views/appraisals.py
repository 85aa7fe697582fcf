"""Pages of one appraisal: my appraisals and my team's, the self-assessment and scoring form, the live total."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from appraisal.choices import AppraisalState, CycleState
from appraisal.models import Appraisal
from appraisal.selectors import late, progress_of
from appraisal.services import (
    appraisal_acknowledge,
    appraisal_preview,
    appraisal_submit_review,
    appraisal_submit_self,
    appraisal_update,
)
from orgdesign import access
from orgdesign.exceptions import ConcurrentUpdate, Conflict

LINE_FIELDS = {
    "employee": ("actual", "self_score", "self_comment"),
    "manager": ("actual", "manager_score", "comment"),
}
APPRAISAL_FIELDS = {
    "employee": ("self_comment",),
    "manager": ("manager_comment", "feedback_date", "feedback_notes"),
}


def _visible_appraisal(user, pk):
    queryset = Appraisal.objects.select_related("cycle", "employee", "reviewer", "department", "position")
    return get_object_or_404(access.visible(user, queryset), pk=pk)


def _require_hr(user):
    if not access.is_hr(user):
        raise PermissionDenied(_("Only HR runs appraisal cycles."))


def _typed_lines(data, appraisal, role):
    """Line values from the form, converted; conversion problems come back by (line id, field)."""
    values, errors = {}, {}
    for line in appraisal.lines.all():
        typed = {}
        for name in LINE_FIELDS.get(role, ()):
            key = f"line-{line.pk}-{name}"
            if key not in data:
                continue
            raw = data.get(key, "").strip()
            if name.endswith("comment"):
                typed[name] = raw
            elif raw == "":
                typed[name] = None
            elif name == "actual":
                try:
                    number = Decimal(raw)
                except InvalidOperation:
                    number = None
                if number is None or not number.is_finite():
                    errors[(line.pk, name)] = _("Enter a number.")
                    typed[name] = raw  # shown again as typed
                else:
                    typed[name] = number
            else:
                try:
                    typed[name] = int(raw)
                except ValueError:
                    errors[(line.pk, name)] = _("Enter a whole number on the scale.")
                    typed[name] = raw
        values[line.pk] = typed
    return values, errors


def _line_errors(error, lines):
    """Service errors named `lines[2].manager_score` as {(line id, field): message}; the rest by field."""
    import re

    by_line, rest = {}, {}
    messages_by_key = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for key, texts in messages_by_key.items():
        match = re.match(r"^lines\[(\d+)\]\.(\w+)$", key)
        if match and int(match.group(1)) < len(lines):
            by_line[(lines[int(match.group(1))].pk, match.group(2))] = " ".join(texts)
        else:
            rest[key] = " ".join(texts)
    return by_line, rest


class AppraisalListView(LoginRequiredMixin, TemplateView):
    """My appraisals, and for a manager the team they review, with states, deadlines and who is late."""

    template_name = "appraisal/appraisal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = access.employee_of(user)
        mine, team = [], []
        if person is not None:
            mine = list(
                Appraisal.objects.filter(employee=person).select_related("cycle").order_by("-cycle__period_start")
            )
            team = list(
                access.visible(user, Appraisal.objects.filter(reviewer=person))
                .exclude(cycle__state=CycleState.DRAFT)
                .select_related("cycle", "employee")
                .order_by("-cycle__period_start", "employee__employee_no")
            )
        today = timezone.localdate()
        for appraisal in mine + team:
            appraisal.progress = progress_of(appraisal)
            appraisal.late = late(appraisal, today)
        cycles = defaultdict(list)
        for appraisal in team:
            cycles[appraisal.cycle].append(appraisal)
        context.update(
            person=person,
            mine=mine,
            team_cycles=[
                {"cycle": cycle, "appraisals": rows, "late": sum(1 for a in rows if a.late)}
                for cycle, rows in cycles.items()
            ],  # fmt: skip
            is_hr=access.is_hr(user),
            today=today,
        )
        return context


class AppraisalDetailView(LoginRequiredMixin, TemplateView):
    """One appraisal: the employee's self-assessment, the manager's scoring, the result and its acknowledgement."""

    template_name = "appraisal/appraisal_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.appraisal = _visible_appraisal(request.user, kwargs["pk"])
            self.role = access.appraisal_role(request.user, self.appraisal)
            person = access.employee_of(request.user)
            if self.role == "hr" and person is not None and self.appraisal.reviewer_id == person.pk:
                self.role = "manager"  # HR scoring their own team does it as its manager, on the same page
        return super().dispatch(request, *args, **kwargs)

    def editable_as(self):
        """The role whose form this page shows now, or None for a read-only page."""
        a = self.appraisal
        if a.cycle.state == CycleState.CLOSED or a.cycle.state == CycleState.DRAFT:
            return None
        if self.role == "employee" and a.state == AppraisalState.SELF_ASSESSMENT:
            return "employee"
        if self.role == "manager" and a.state == AppraisalState.MANAGER_REVIEW and a.reviewed is None:
            return "manager"
        return None

    def get_context_data(self, line_errors=None, errors=None, typed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        a = self.appraisal
        lines = list(a.lines.all())
        typed = typed or {}
        for line in lines:
            line.errors = {name: text for (line_id, name), text in (line_errors or {}).items() if line_id == line.pk}
            line.typed = typed.get(line.pk, {})
            line.scale = sorted(int(level["level"]) for level in line.levels) if line.levels else []
        mode = self.editable_as()
        preview = None
        if mode is not None:
            preview, _errors = appraisal_preview(appraisal=a, role=mode, lines={})
        context.update(
            appraisal=a,
            lines=lines,
            role=self.role,
            mode=mode,
            errors=errors or {},
            has_line_errors=bool(line_errors),
            preview=preview,
            show_result=a.state in (AppraisalState.CALIBRATED, AppraisalState.ACKNOWLEDGED)
            or (self.role in ("manager", "hr") and a.reviewed is not None),
            show_self=self.role != "manager" or a.self_submitted is not None,
            can_acknowledge=self.role == "employee" and a.state == AppraisalState.CALIBRATED,
            progress=progress_of(a),
            late=late(a),
            typed_appraisal=kwargs.get("typed_appraisal", {}),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        revision = request.POST.get("revision")
        revision = int(revision) if revision and revision.isdigit() else None
        if action == "acknowledge":
            return self.acknowledge(revision)
        mode = self.editable_as()
        parse_as = mode or (self.role if self.role in LINE_FIELDS else None)
        if parse_as is None:
            raise PermissionDenied(_("This appraisal cannot be changed by you."))
        typed, conversion_errors = _typed_lines(request.POST, self.appraisal, parse_as)
        fields = {}
        for name in APPRAISAL_FIELDS[parse_as]:
            if name in request.POST:
                fields[name] = request.POST.get(name, "").strip()
        if "feedback_date" in fields:
            fields["feedback_date"] = fields["feedback_date"] or None
        if mode is None:  # closed or moved on while this was typed: refuse, and show what was typed
            messages.error(request, _("This appraisal cannot be changed now."))
            return self.refused({}, {}, typed, fields, status=409)
        if conversion_errors:
            return self.refused(conversion_errors, {}, typed, fields)
        lines = list(self.appraisal.lines.all())
        try:
            with transaction.atomic():  # a refused submit saves nothing either
                appraisal = appraisal_update(
                    appraisal=self.appraisal,
                    role=mode,
                    fields=fields,
                    lines=[{"id": line.pk, **typed.get(line.pk, {})} for line in lines],
                    expected_revision=revision,
                )
                if action == "submit":
                    if mode == "employee":
                        appraisal_submit_self(appraisal=appraisal)
                    else:
                        appraisal_submit_review(appraisal=appraisal)
        except ValidationError as error:
            by_line, rest = _line_errors(error, lines)
            return self.refused(by_line, rest, typed, fields)
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
            return self.refused({}, {}, typed, fields, status=409)
        if action == "submit":
            messages.success(
                request,
                _("Your self-assessment went to your manager.")
                if mode == "employee"
                else _("The review is submitted; HR calibrates the bands next."),
            )
        else:
            messages.success(request, _("Saved."))
        return redirect("appraisal-page", self.appraisal.pk)

    def refused(self, line_errors, errors, typed, fields, status=400):
        """The page again with what was typed; if it can no longer be edited, what was typed is listed instead."""
        self.appraisal.refresh_from_db()
        context = self.get_context_data(line_errors=line_errors, errors=errors, typed=typed, typed_appraisal=fields)
        if context["mode"] is None:
            context["unsaved"] = [
                {"line": line, "values": typed.get(line.pk, {})} for line in context["lines"] if typed.get(line.pk)
            ]
            context["unsaved_fields"] = {k: v for k, v in fields.items() if v}
        return self.render_to_response(context, status=status)

    def acknowledge(self, revision):
        if self.role != "employee":
            raise PermissionDenied(_("Only the person appraised acknowledges the result."))
        try:
            appraisal_acknowledge(
                appraisal=self.appraisal, objection=self.request.POST.get("objection", ""), expected_revision=revision
            )
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, _("You acknowledged the result."))
        return redirect("appraisal-page", self.appraisal.pk)


class AppraisalPreviewView(AppraisalDetailView):
    """The live total and band for the typed values (an htmx fragment; nothing is saved)."""

    template_name = "appraisal/_score_summary.html"

    def post(self, request, *args, **kwargs):
        mode = self.editable_as()
        if mode is None:
            return self.render_to_response({"closed": True, "appraisal": self.appraisal})
        typed, conversion_errors = _typed_lines(request.POST, self.appraisal, mode)
        usable = {
            line_id: {name: value for name, value in values.items() if (line_id, name) not in conversion_errors}
            for line_id, values in typed.items()
        }
        preview, errors = appraisal_preview(appraisal=self.appraisal, role=mode, lines=usable)
        errors.update(conversion_errors)
        lines = list(self.appraisal.lines.all())
        for line in lines:
            line.errors = {name: text for (line_id, name), text in errors.items() if line_id == line.pk}
        return self.render_to_response(
            {"preview": preview, "lines": lines, "mode": mode, "oob": True, "appraisal": self.appraisal}
        )


class AppraisalPdfView(LoginRequiredMixin, View):
    """One appraisal with its whole breakdown as a PDF, showing what the reader may see."""

    def get(self, request, pk):
        raise Http404  # built next
