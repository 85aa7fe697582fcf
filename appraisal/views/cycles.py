"""HR's pages of a cycle: the list, its steps and their gates, calibration, results and their downloads."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from appraisal import exports
from appraisal.choices import AppealOutcome, AppealState, AppraisalState, CycleAction, CycleState
from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.selectors import (
    RESULT_SORTS,
    STAGES,
    band_codes,
    calibration_details,
    cycle_distribution,
    cycle_results,
    filter_results,
    late,
    open_objections,
    stage_of,
)
from appraisal.services import (
    appraisal_resolve_objection,
    appraisals_calibrate,
    appraisals_return,
    cycle_close,
    cycle_delete,
    cycle_open,
    cycle_open_preview,
    cycle_release_results,
    cycle_reopen,
    cycle_start_calibration,
    cycle_unfinished,
    cycle_write,
)
from appraisal.templatetags.appraisal_tags import final_score_text, plain_number
from appraisal.views.appraisals import _require_hr
from departments.models import Department
from orgdesign.downloads import content_disposition
from orgdesign.exceptions import ConcurrentUpdate, Conflict
from positions.models import Employee

# --- the cycle's fields ----------------------------------------------------------------------------------

CYCLE_FIELDS = (
    "name", "period_start", "period_end", "self_deadline", "review_deadline", "scope", "top_reviewer",
    "appeal_deadline",
)  # fmt: skip
EDITABLE = {
    CycleState.DRAFT: CYCLE_FIELDS,
    CycleState.OPEN: ("name", "self_deadline", "review_deadline", "top_reviewer", "appeal_deadline"),
    CycleState.CALIBRATION: ("name", "self_deadline", "review_deadline", "top_reviewer", "appeal_deadline"),
    CycleState.CLOSED: ("appeal_deadline",),
}


def _required(message):
    return {"required": message, "invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")}


class CycleForm(forms.Form):
    """Reads what HR typed into a cycle's fields; the rules on them are `cycle_write`'s.

    Only the fields named in `names` are read (an edit sends those it may change); each required
    one, left empty, says what to enter.
    """

    name = forms.CharField(
        strip=True, error_messages={"required": gettext_lazy("Enter the cycle's name, for example 2026-Q4.")}
    )
    period_start = forms.DateField(error_messages=_required(gettext_lazy("Enter the first day of the period.")))
    period_end = forms.DateField(error_messages=_required(gettext_lazy("Enter the last day of the period.")))
    self_deadline = forms.DateField(
        error_messages=_required(gettext_lazy("Enter the last day for the self-assessments."))
    )
    review_deadline = forms.DateField(
        error_messages=_required(gettext_lazy("Enter the last day for the managers' reviews."))
    )
    scope = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    top_reviewer = forms.CharField(required=False, strip=True)
    appeal_deadline = forms.DateField(
        required=False, error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")}
    )

    def __init__(self, data, *, names=CYCLE_FIELDS):
        super().__init__(data)
        for name in set(self.fields) - set(names):
            del self.fields[name]

    def clean_top_reviewer(self):
        number = self.cleaned_data["top_reviewer"]
        if not number:
            return None
        person = Employee.objects.filter(employee_no=number).first()
        if person is None:
            raise ValidationError(_("Nobody has the employee number %(number)s.") % {"number": number})
        return person


def _typed(post, names):
    return {name: post.get(name, "").strip() for name in names if name in post}


def _form_of(cycle):
    """A cycle's fields as the form shows them."""
    return {
        "name": cycle.name,
        "period_start": cycle.period_start.isoformat() if cycle.period_start else "",
        "period_end": cycle.period_end.isoformat() if cycle.period_end else "",
        "self_deadline": cycle.self_deadline.isoformat() if cycle.self_deadline else "",
        "review_deadline": cycle.review_deadline.isoformat() if cycle.review_deadline else "",
        "scope": str(cycle.scope_id or ""),
        "top_reviewer": cycle.top_reviewer.employee_no if cycle.top_reviewer else "",
        "appeal_deadline": cycle.appeal_deadline.isoformat() if cycle.appeal_deadline else "",
    }


def _write_cycle(post, *, cycle=None, names=CYCLE_FIELDS, user=None):
    """Create or change a cycle from the posted fields `names`; ValidationError by field if anything is wrong."""
    present = [name for name in names if name in post] if cycle is not None else list(names)
    form = CycleForm({name: post.get(name, "") for name in present}, names=present)
    if not form.is_valid():
        raise ValidationError({**_row_rules(cycle, form.cleaned_data), **form.errors})
    fields = {name: form.cleaned_data[name] for name in present}
    revision = post.get("revision", "")
    return cycle_write(
        cycle=cycle, fields=fields, user=user, expected_revision=int(revision) if revision.isdigit() else None
    )


def _row_rules(cycle, typed):
    """What the cycle's own rules (`AppraisalCycle.clean`: dates in order) say of the values typed correctly.

    So that a form refused for an empty or unreadable field also shows, at once, the dates out of order.
    """
    candidate = AppraisalCycle(**{name: getattr(cycle, name) for name in CYCLE_FIELDS} if cycle else {})
    for name, value in typed.items():
        setattr(candidate, name, value)
    try:
        candidate.clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def _error_dict(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _form_context():
    """What the cycle form offers: the units, and the people who can review the top of the tree."""
    return {
        "scope_units": Department.objects.order_by("path").only("id", "name", "path"),
        "reviewers": Employee.objects.filter(active=True).order_by("employee_no").values("employee_no", "name")[:2000],
    }


# --- HR: cycles ----------------------------------------------------------------------------------


class CycleListView(LoginRequiredMixin, TemplateView):
    """Every cycle with its state; drafts can be opened, edited or deleted from here; a new one is created."""

    template_name = "appraisal/cycle_list.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        context["cycles"] = (
            AppraisalCycle.objects.select_related("scope")
            .annotate(appraisal_count=Count("appraisals"))
            .order_by("-period_start")
        )
        context.update(_form_context())
        context.setdefault("form", {})
        context["editable"] = CYCLE_FIELDS
        return context

    def post(self, request, *args, **kwargs):
        _require_hr(request.user)
        form = _typed(request.POST, CYCLE_FIELDS)
        try:
            cycle = _write_cycle(request.POST, user=request.user)
        except ValidationError as error:
            context = self.get_context_data(form=form, errors=_error_dict(error))
            return self.render_to_response(context, status=400)
        messages.success(
            request, _("Cycle %(name)s created as a draft; open it when it should start.") % {"name": cycle}
        )
        return redirect("cycle-page", cycle.pk)


# What HR reads when a step has moved the cycle: a sentence per state it can be in.
MOVED = {
    CycleState.DRAFT: gettext_lazy("%(cycle)s is now a draft."),
    CycleState.OPEN: gettext_lazy("%(cycle)s is now open."),
    CycleState.CALIBRATION: gettext_lazy("%(cycle)s is now in calibration."),
    CycleState.CLOSED: gettext_lazy("%(cycle)s is now closed."),
}


def _last_reopening(cycle, events):
    """The reopening the cycle is in now (it has not closed since), or None."""
    for event in events:  # newest first
        if event.action in (CycleAction.CLOSE, CycleAction.FORCE_CLOSE):
            return None
        if event.action == CycleAction.REOPEN:
            return event if cycle.state == CycleState.CALIBRATION else None
    return None


class CycleDetailView(LoginRequiredMixin, TemplateView):
    """A cycle's steps, what stands in their way, and its progress per unit.

    Starting calibration and closing are refused while appraisals are unfinished (the page lists
    them, per state and unit), unless HR goes ahead anyway with a written reason. Opening shows
    what it would do first. The form contract is `action` (open, start_calibration, close, reopen,
    release, edit, delete, resolve_objection), with `confirm`, `force` and `reason`.
    """

    template_name = "appraisal/cycle_detail.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle.objects.select_related("scope", "top_reviewer"), pk=kwargs["pk"])
        appraisals = list(
            Appraisal.objects.filter(cycle=cycle)
            .select_related("employee", "reviewer", "department", "cycle")
            .order_by("department__path", "employee__employee_no")
        )
        today = timezone.localdate()
        units, overdue = {}, []
        for appraisal in appraisals:
            unit = units.setdefault(
                appraisal.department_id,
                {"unit": appraisal.department, "counts": Counter(), "total": 0},
            )
            unit["counts"][stage_of(appraisal.state, appraisal.reviewed)] += 1
            unit["total"] += 1
            appraisal.late = late(appraisal, today)
            if appraisal.late:
                overdue.append(appraisal)
        totals = Counter(stage_of(a.state, a.reviewed) for a in appraisals)
        events = list(cycle.events.select_related("user__employee").order_by("-at", "-id"))
        gated = cycle.state in (CycleState.OPEN, CycleState.CALIBRATION)
        refused = kwargs.get("refused")
        unfinished = refused["unfinished"] if refused else (cycle_unfinished(cycle) if gated else None)
        not_completed = sum(1 for a in appraisals if a.state == AppraisalState.NOT_COMPLETED)
        appeals = Appeal.objects.filter(appraisal__cycle=cycle).aggregate(
            open=Count("id", filter=Q(state=AppealState.OPEN)),
            overdue=Count("id", filter=Q(state=AppealState.OPEN, due__lt=today)),
            decided=Count("id", filter=Q(state=AppealState.DECIDED)),
        )
        context.update(
            cycle=cycle,
            units=[{**u, "cells": [u["counts"].get(key, 0) for key, _label in STAGES]} for u in units.values()],
            totals=[totals.get(key, 0) for key, _label in STAGES],
            total=len(appraisals),
            progress_labels=STAGES,
            overdue=overdue,
            events=events,
            left_out=cycle.left_out or [],
            unfinished=unfinished,
            not_completed=not_completed,
            reopened=_last_reopening(cycle, events),
            objections=self._objections(cycle, kwargs.get("typed") or {}, kwargs.get("step_errors") or {}),
            appeals=appeals,
            editable=EDITABLE[cycle.state],
            form=kwargs.get("form") or _form_of(cycle),
            errors=kwargs.get("errors") or {},
            step_errors=kwargs.get("step_errors") or {},
            typed=kwargs.get("typed") or {},
            **_form_context(),
        )
        return context

    @staticmethod
    def _objections(cycle, typed, errors):
        objections = open_objections(cycle)
        for appraisal in objections:
            appraisal.typed_answer = typed.get(f"resolution-{appraisal.pk}", "")
            appraisal.answer_errors = errors.get(f"resolution-{appraisal.pk}", [])
        return objections

    def page(self, status=200, **extra):
        return self.render_to_response(self.get_context_data(pk=self.cycle.pk, **extra), status=status)

    def post(self, request, pk):
        _require_hr(request.user)
        self.cycle = get_object_or_404(AppraisalCycle, pk=pk)
        action = request.POST.get("action", "")
        handlers = {
            "open": self.open, "start_calibration": self.step, "close": self.step, "reopen": self.reopen,
            "release": self.release, "edit": self.edit, "delete": self.delete,
            "resolve_objection": self.resolve_objection,
        }  # fmt: skip
        if action not in handlers:
            messages.error(request, _("Unknown step."))
            return redirect("cycle-page", pk)
        try:
            return handlers[action](request, action)
        except Conflict as error:
            if error.code == "unfinished":
                refused = {"step": action, "message": str(error), "unfinished": error.data["unfinished"]}
                typed = {**_typed(request.POST, ("reason",)), "force": request.POST.get("force") == "1"}
                return self.page(status=409, refused=refused, typed=typed)
            messages.error(request, str(error))
        except ConcurrentUpdate as error:
            messages.error(request, str(error))
        return self.page(status=409)

    def _moved(self, request):
        self.cycle.refresh_from_db()
        messages.success(request, MOVED[self.cycle.state] % {"cycle": self.cycle})
        return redirect("cycle-page", self.cycle.pk)

    def open(self, request, action):
        if request.POST.get("confirm") != "1":
            preview = cycle_open_preview(self.cycle) if self.cycle.state == CycleState.DRAFT else None
            return self.page(preview=preview)
        try:
            report = cycle_open(cycle=self.cycle, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return self.page(status=400, preview=cycle_open_preview(self.cycle))
        messages.success(
            request,
            _("%(cycle)s is open: %(created)s appraisals created, %(left)s people left out.")
            % {"cycle": self.cycle, "created": report["created"], "left": len(report["left_out"])},
        )
        return redirect("cycle-page", self.cycle.pk)

    def step(self, request, action):
        service = cycle_start_calibration if action == "start_calibration" else cycle_close
        force = request.POST.get("force") == "1"
        try:
            service(cycle=self.cycle, user=request.user, force=force, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            unfinished = cycle_unfinished(self.cycle)
            refused = {"step": action, "message": " ".join(error.messages), "unfinished": unfinished}
            return self.page(
                status=400, refused=refused, step_errors=_error_dict(error), typed={**_typed(request.POST, ("reason",)),
                                                                                    "force": force},
            )  # fmt: skip
        return self._moved(request)

    def reopen(self, request, action):
        try:
            cycle_reopen(cycle=self.cycle, reason=request.POST.get("reason", ""), user=request.user)
        except ValidationError as error:
            return self.page(status=400, step_errors=_error_dict(error), typed=_typed(request.POST, ("reason",)))
        messages.success(
            request,
            _(
                "%(cycle)s is reopened into calibration. Results stand until they are rescored; whoever's result "
                "changes at the next close acknowledges it again and is told why."
            )
            % {"cycle": self.cycle},
        )
        return redirect("cycle-page", self.cycle.pk)

    def release(self, request, action):
        cycle_release_results(cycle=self.cycle, user=request.user)
        messages.success(
            request,
            _("Employees can now read their submitted results of %(cycle)s; they stay provisional until it closes.")
            % {"cycle": self.cycle},
        )
        return redirect("cycle-page", self.cycle.pk)

    def edit(self, request, action):
        names = EDITABLE[self.cycle.state]
        try:
            saved = _write_cycle(request.POST, cycle=self.cycle, names=names, user=request.user)
        except ValidationError as error:
            form = {**_form_of(self.cycle), **_typed(request.POST, names)}
            return self.page(status=400, form=form, errors=_error_dict(error))
        messages.success(request, _("%(cycle)s saved.") % {"cycle": saved})
        return redirect("cycle-page", self.cycle.pk)

    def delete(self, request, action):
        revision = request.POST.get("revision", "")
        name = str(self.cycle)
        cycle_delete(cycle=self.cycle, expected_revision=int(revision) if revision.isdigit() else None)
        messages.success(request, _("Cycle %(name)s deleted.") % {"name": name})
        return redirect("cycles-page")

    def resolve_objection(self, request, action):
        appraisal_id = request.POST.get("appraisal", "")
        appraisal = get_object_or_404(
            Appraisal.objects.select_related("employee"),
            pk=appraisal_id if appraisal_id.isdigit() else 0,
            cycle=self.cycle,
        )
        revision = request.POST.get("revision", "")
        try:
            appraisal_resolve_objection(
                appraisal=appraisal,
                resolution=request.POST.get("resolution", ""),
                user=request.user,
                expected_revision=int(revision) if revision.isdigit() else None,
            )
        except ValidationError as error:
            errors = {f"resolution-{appraisal.pk}": error.messages}
            typed = {f"resolution-{appraisal.pk}": request.POST.get("resolution", "")}
            return self.page(status=400, step_errors=errors, typed=typed)
        messages.success(request, _("The objection of %(name)s is answered.") % {"name": appraisal.employee.name})
        return redirect(reverse("cycle-page", args=[self.cycle.pk]) + "#objections")


# --- calibration -------------------------------------------------------------------------------------------


def _bar_chart(distribution, codes):
    """Bars of band shares per unit with the guideline marks, laid out for an SVG drawn on the server.

    A unit over the guideline gets a red outline and a label saying which guideline it is over.
    """
    rows = [*distribution["units"], {**distribution["total"], "name": _("All units"), "is_total": True}]
    label_width, bars_width, flag_width, row_height = 150, 550, 260, 30
    width = label_width + bars_width + flag_width
    scale = bars_width / 100
    guideline = distribution["guideline"]
    best, best_two = (codes[0] if codes else ""), "+".join(codes[:2])
    bars = []
    for index, row in enumerate(rows):
        x, segments = label_width, []
        for code in codes:
            share = float(row["shares"][code])
            segments.append({"code": code, "x": round(x, 1), "width": round(share * scale, 1),
                             "share": row["shares"][code], "count": row["counts"][code]})  # fmt: skip
            x += share * scale
        flag = ""
        if row["over_s"] and row["over_sa"]:
            flag = _("over the %(band)s and %(bands)s guidelines") % {"band": best, "bands": best_two}
        elif row["over_s"]:
            flag = _("over the %(band)s guideline") % {"band": best}
        elif row["over_sa"]:
            flag = _("over the %(bands)s guideline") % {"bands": best_two}
        bars.append({
            "y": index * row_height + 24, "label": row["name"] or "—", "segments": segments, "row": row,
            "flag": flag,
        })  # fmt: skip
    return {
        "width": width,
        "height": len(rows) * row_height + 44,
        "label_width": label_width,
        "flag_x": label_width + bars_width + 8,
        "bars": bars,
        "bars_width": bars_width,
        "s_x": round(label_width + float(guideline["s_max"]) * scale, 1),
        "sa_x": round(label_width + float(guideline["sa_max"]) * scale, 1),
        "guideline": guideline,
        "bar_height": row_height - 10,
        "ticks": [{"x": round(label_width + p * scale, 1), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
    }


def _lines_summary(lines):
    """Each line as "self → manager" in a few characters: levels as L4, actuals as entered."""
    summary = []
    for line in lines:
        if line["kind"] == "rated":
            mine = f"L{line['self']}" if line["self"] is not None else "—"
            theirs = f"L{line['manager']}" if line["manager"] is not None else "—"
        else:
            mine, theirs = plain_number(line["self"]) or "—", plain_number(line["manager"]) or "—"
        summary.append({**line, "self_text": mine, "manager_text": theirs})
    return summary


class CalibrationView(LoginRequiredMixin, TemplateView):
    """The band distribution per unit against the guideline, the people behind each bar, moving bands, sending back.

    HR chooses people (checkboxes `appraisal`) and either moves them to one band with an internal
    `reason` and an optional `note` the employee reads (`action=move`), or sends their reviews back
    to the manager with a `return_reason` (`action=return`). A stale page is refused.
    """

    template_name = "appraisal/calibration.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle.objects.select_related("scope"), pk=kwargs["pk"])
        codes = band_codes()
        distribution = cycle_distribution(cycle)
        details = calibration_details(cycle)
        for unit in distribution["units"]:
            for people in unit["people"].values():
                for person in people:
                    found = details.get(person["appraisal"], {})
                    person["lines"] = _lines_summary(found.get("lines", []))
                    person["self_comment"] = found.get("self_comment", "")
                    person["manager_comment"] = found.get("manager_comment", "")
                    person["score_text"] = final_score_text(person["final_score"])
        missing = distribution["not_charted"]
        context.update(
            cycle=cycle,
            codes=codes,
            distribution=distribution,
            waiting=missing["self_assessment"] + missing["manager_review"],
            chart=_bar_chart(distribution, codes),
            can_move=cycle.state == CycleState.CALIBRATION,
            provisional=cycle.state != CycleState.CLOSED,
            chosen={int(pk) for pk in kwargs.get("chosen", ()) if str(pk).isdigit()},
            errors=kwargs.get("errors") or {},
            typed=kwargs.get("typed") or {},
        )
        return context

    def post(self, request, pk):
        _require_hr(request.user)
        cycle = get_object_or_404(AppraisalCycle, pk=pk)
        chosen = request.POST.getlist("appraisal")
        if not all(value.isdigit() for value in chosen):
            raise Http404(_("No such appraisal in this cycle."))
        appraisals = list(
            Appraisal.objects.filter(cycle=cycle, pk__in=[int(v) for v in chosen]).select_related("employee")
        )
        if len(appraisals) != len(set(chosen)):
            raise Http404(_("No such appraisal in this cycle."))
        action = request.POST.get("action", "move")
        typed = _typed(request.POST, ("band", "reason", "note", "return_reason"))
        try:
            if action == "return":
                if not appraisals:
                    raise ValidationError({"appraisal": _("Choose at least one person to send back.")})
                appraisals_return(
                    appraisals=appraisals, reason=request.POST.get("return_reason", ""), user=request.user
                )
                done = _("Sent back to their managers for rescoring: %(names)s.")
            else:
                moves = [
                    (a, request.POST.get("band", ""), self._revision(request, a, len(appraisals))) for a in appraisals
                ]
                if not moves:
                    raise ValidationError({"appraisal": _("Choose at least one person to move.")})
                appraisals_calibrate(
                    moves=moves, reason=request.POST.get("reason", ""), note=request.POST.get("note", ""),
                    user=request.user,
                )  # fmt: skip
                done = _("Moved to %(band)s: %(names)s.")
        except ValidationError as error:
            errors = _error_dict(error)
            if action == "return" and "reason" in errors:
                errors["return_reason"] = errors.pop("reason")
            context = self.get_context_data(pk=pk, chosen=chosen, errors=errors, typed=typed)
            return self.render_to_response(context, status=400)
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
            context = self.get_context_data(pk=pk, chosen=chosen, typed=typed)
            return self.render_to_response(context, status=409)
        names = ", ".join(a.employee.name for a in appraisals)
        messages.success(request, done % {"band": request.POST.get("band", ""), "names": names})
        return redirect("cycle-calibration", pk)

    @staticmethod
    def _revision(request, appraisal, count):
        """The revision the page showed for `appraisal` (`revision-<id>`, or `revision` when only one is moved)."""
        value = request.POST.get(f"revision-{appraisal.pk}", "")
        if not value and count == 1:
            value = request.POST.get("revision", "")
        return int(value) if value.isdigit() else None


# --- results ---------------------------------------------------------------------------------------------

OBJECTION_FILTERS = [("yes", gettext_lazy("with an objection")), ("no", gettext_lazy("without")),
                     ("open", gettext_lazy("not yet answered"))]  # fmt: skip
APPEAL_FILTERS = [("none", gettext_lazy("no appeal")), ("open", gettext_lazy("open")),
                  ("decided", gettext_lazy("decided"))]  # fmt: skip


def _units_above(rows, scope=None):
    """{id: unit} of the units the rows' people are in and those above them up to the cycle's `scope`.

    What the unit filter offers: a cycle of one unit's subtree offers that unit and the units
    under it that hold its appraisals, never the rest of the organisation.
    """
    ids = {int(part) for row in rows for part in (row["unit_path"] or "").strip("/").split("/") if part}
    units = Department.objects.filter(pk__in=ids)
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    units = {unit.pk: unit for unit in units.only("id", "name", "path", "depth")}
    top = scope.depth if scope is not None else 0
    for unit in units.values():
        unit.indent = "\u00a0\u00a0" * (unit.depth - top)
    return units


class ResultsView(LoginRequiredMixin, TemplateView):
    """Every appraisal of a cycle with where it stands and its result, filtered and sorted by GET parameters.

    Filters: `unit` (and the units below it), `band` (or "none"), `state` (a stage), `objection`
    (yes, no, open), `appeal` (none, open, decided); `sort` by name, unit, final_score, band or
    state ("-" first to reverse).
    """

    template_name = "appraisal/results.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle.objects.select_related("scope"), pk=kwargs["pk"])
        query = self.request.GET
        rows = cycle_results(cycle)
        units = _units_above(rows, cycle.scope)
        unit = query.get("unit", "")
        unit_path = units[int(unit)].path if unit.isdigit() and int(unit) in units else ""
        sort = query.get("sort", "")
        shown = filter_results(
            rows, unit_path=unit_path, band=query.get("band", ""), state=query.get("state", ""),
            objection=query.get("objection", ""), appeal=query.get("appeal", ""),
            sort=sort if sort.lstrip("-") in RESULT_SORTS else "",
        )  # fmt: skip
        filters = {key: query.get(key, "") for key in ("unit", "band", "state", "objection", "appeal")}
        context.update(
            cycle=cycle,
            rows=shown,
            total=len(rows),
            candidates=[r for r in rows if r["promotion_candidate"]],
            objections=[r for r in rows if r["objection_open"]],
            provisional=cycle.state != CycleState.CLOSED,
            filters=filters,
            filtered=any(filters.values()),
            sort=sort,
            sort_links={key: self._sort_link(query, key, sort) for key in RESULT_SORTS},
            unit_options=sorted(units.values(), key=lambda unit: unit.path),
            codes=band_codes(),
            stages=STAGES,
            objection_filters=OBJECTION_FILTERS,
            appeal_filters=APPEAL_FILTERS,
            outcomes=AppealOutcome.choices,
        )
        return context

    @staticmethod
    def _sort_link(query, key, current):
        """The query string that sorts by `key`: scores and bands highest first, the rest A to Z; again reverses."""
        first = f"-{key}" if key in ("final_score", "band") else key
        wanted = (first[1:] if first.startswith("-") else f"-{key}") if current == first else first
        params = query.copy()
        params["sort"] = wanted
        return params.urlencode()


class ResultsExportView(LoginRequiredMixin, View):
    def get(self, request, pk, fmt):
        _require_hr(request.user)
        cycle = get_object_or_404(AppraisalCycle, pk=pk)
        if fmt not in ("xlsx", "csv"):
            raise Http404(_("Results download as xlsx or csv."))
        if fmt == "xlsx":
            response = HttpResponse(
                exports.results_xlsx(cycle),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(exports.results_csv(cycle), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"results-{cycle.name}.{fmt}")
        return response
