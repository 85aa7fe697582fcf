"""Appeals: HR's list of appeals with their deadlines, and the page where an appeal is assigned and decided.

HR sees every appeal; someone HR named to decide one sees the appeals named to them, and
nobody else sees any. What the page shows of the appraisal follows `appraisal.visibility`.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from appraisal import visibility
from appraisal.choices import AppealOutcome, AppealState, IndicatorKind
from appraisal.models import AppraisalCycle
from appraisal.selectors import appeal_list, appeals_for, band_codes
from appraisal.services import appeal_assign, appeal_decide, may_decide
from appraisal.templatetags.appraisal_tags import final_score_text, plain_number
from orgdesign import access
from orgdesign.exceptions import ConcurrentUpdate, Conflict

STATE_FILTERS = ("open", "overdue", "decided")


def _messages(error):
    """(field, messages) of a ValidationError, with or without fields."""
    return error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]


def _revision(post):
    value = post.get("revision", "")
    return int(value) if value.isdigit() else None


class AppealListView(LoginRequiredMixin, TemplateView):
    """Overdue, open and decided appeals, filtered by `state` (open, overdue, decided) and `cycle`."""

    template_name = "appraisal/appeal_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        mine = appeals_for(user)
        if not access.is_hr(user) and not mine.exists():
            raise PermissionDenied(_("Only HR and the people HR names to decide appeals see them."))
        context = super().get_context_data(**kwargs)
        query = self.request.GET
        state = query.get("state", "")
        state = state if state in STATE_FILTERS else ""
        cycles = AppraisalCycle.objects.filter(pk__in=mine.values("appraisal__cycle_id")).order_by("-period_start")
        cycle_id = query.get("cycle", "")
        cycle = next((c for c in cycles if str(c.pk) == cycle_id), None)
        appeals = appeal_list(user, state=state, cycle=cycle)
        prefetch_related_objects(appeals, "decider__employee", "decided_by__employee")  # their names are shown
        context.update(
            overdue=[a for a in appeals if a.overdue],
            waiting=[a for a in appeals if a.state == AppealState.OPEN and not a.overdue],
            decided=[a for a in appeals if a.state == AppealState.DECIDED],
            count=len(appeals),
            cycles=cycles,
            filters={"state": state, "cycle": cycle.pk if cycle else None},
            is_hr=access.is_hr(user),
            today=timezone.localdate(),
        )
        return context


def _deciders(appraisal):
    """Who HR can name to decide: active HR admins and managers, never the person appraised or their manager."""
    excluded = {appraisal.employee.user_id, appraisal.reviewer.user_id if appraisal.reviewer else None}
    people = Q(is_superuser=True) | Q(groups__name__in=[access.HR_ADMIN, access.DEPARTMENT_MANAGER])
    return (
        get_user_model()
        .objects.filter(people, is_active=True)
        .exclude(pk__in=[pk for pk in excluded if pk is not None])
        .select_related("employee")
        .distinct()
        .order_by("username")
    )


class AppealDetailView(LoginRequiredMixin, TemplateView):
    """One appeal: the result it is about, the grounds, who decides it and by when, and the decision.

    POST `action=assign` (HR: `decider` user id or empty for any HR admin, `due`) or
    `action=decide` (`outcome`, `decision`; for a changed result `band` and/or the lines' new
    `line-<id>-manager_score` and `line-<id>-actual`).
    """

    template_name = "appraisal/appeal_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            queryset = appeals_for(request.user).select_related(
                "appraisal__cycle", "appraisal__employee", "appraisal__reviewer", "appraisal__department",
                "decider", "decided_by", "filed_by",
            )  # fmt: skip
            self.appeal = get_object_or_404(queryset, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, *, sent=None, errors=None, **kwargs):
        """`sent` names the form posted (assign or decide): its `errors` and typed values go back to it alone."""
        context = super().get_context_data(**kwargs)
        appeal, user = self.appeal, self.request.user
        errors = errors or {}
        appraisal = appeal.appraisal
        role = visibility.role_of(user, appraisal)
        fields, line_fields = (
            visibility.readable(role, visibility.Facts.of(appraisal)) if role else (frozenset(), frozenset())
        )
        typed = kwargs.get("typed") or {}
        assign_typed = typed if sent == "assign" else {}
        decide_typed = typed if sent != "assign" else {}
        decide_errors = errors if sent == "decide" else {}
        lines = list(appraisal.lines.all())
        for line in lines:
            line.rated = line.kind == IndicatorKind.RATED
            line.scale = sorted(int(level["level"]) for level in line.levels) if line.levels else []
            for name in ("target", "self_actual", "manager_actual", "actual", "score"):
                setattr(line, f"{name}_text", plain_number(getattr(line, name)))
            key = f"line-{line.pk}-{'manager_score' if line.rated else 'actual'}"
            current = line.manager_score if line.rated else line.actual
            line.field = key
            line.typed = decide_typed.get(key, plain_number(current) if current is not None else "")
            line.error = decide_errors.get(key, "")
        is_open = appeal.state == AppealState.OPEN
        context.update(
            appeal=appeal,
            appraisal=appraisal,
            fields=fields,
            line_fields=line_fields,
            lines=lines,
            score_text=final_score_text(appraisal.final_score) if "final_score" in fields else "",
            overdue=is_open and appeal.due < timezone.localdate(),
            can_assign=is_open and access.is_hr(user),
            can_decide=is_open and may_decide(user, appeal),
            deciders=_deciders(appraisal) if is_open and access.is_hr(user) else [],
            codes=band_codes(),
            outcomes=AppealOutcome.choices,
            assign_errors=errors if sent == "assign" else {},
            decide_errors=decide_errors,
            typed=decide_typed,
            due_text=assign_typed.get("due") or appeal.due.isoformat(),
            decider_value=assign_typed.get("decider", str(appeal.decider_id or "")),
            score_before=final_score_text(appeal.score_before) if appeal.score_before is not None else "",
            score_after=final_score_text(appeal.score_after) if appeal.score_after is not None else "",
        )
        return context

    def page(self, status, **extra):
        return self.render_to_response(self.get_context_data(**extra), status=status)

    def post(self, request, pk):
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                return self.assign(request)
            if action == "decide":
                return self.decide(request)
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
            return self.page(409, sent=action, typed=dict(request.POST.items()))
        messages.error(request, _("Unknown step."))
        return redirect("appeal-page", pk)

    def assign(self, request):
        if not access.is_hr(request.user):
            raise PermissionDenied(_("Only HR names who decides an appeal."))
        typed = {"decider": request.POST.get("decider", ""), "due": request.POST.get("due", "").strip()}
        errors = {}
        decider = None
        if typed["decider"]:
            decider = get_user_model().objects.filter(pk=typed["decider"] if typed["decider"].isdigit() else 0).first()
            if decider is None:
                errors["decider"] = _("Choose a user from the list.")
        due = None
        if typed["due"]:
            try:
                due = datetime.date.fromisoformat(typed["due"])
            except ValueError:
                errors["due"] = _("Enter a date as YYYY-MM-DD.")
        if not errors:
            try:
                appeal_assign(
                    appeal=self.appeal, decider=decider, due=due, user=request.user,
                    expected_revision=_revision(request.POST),
                )  # fmt: skip
            except ValidationError as error:
                errors = {("general" if key == "__all__" else key): " ".join(texts) for key, texts in _messages(error)}
        if errors:
            return self.page(400, sent="assign", errors=errors, typed=typed)
        messages.success(request, _("Saved who decides the appeal and by when."))
        return redirect("appeal-page", self.appeal.pk)

    def decide(self, request):
        if not may_decide(request.user, self.appeal):
            raise PermissionDenied(_("HR or the person HR named decides this appeal."))
        post = request.POST
        outcome = post.get("outcome", "")
        typed = {key: value for key, value in post.items() if key != "csrfmiddlewaretoken"}
        changed = outcome == AppealOutcome.CHANGED
        lines, order, errors = self._typed_lines(post) if changed else ([], [], {})
        if errors:
            return self.page(400, sent="decide", errors=errors, typed=typed)
        try:
            appeal_decide(
                appeal=self.appeal, outcome=outcome, decision=post.get("decision", ""), user=request.user,
                band=(post.get("band") or None) if changed else None, lines=lines or None,
                expected_revision=_revision(post),
            )  # fmt: skip
        except ValidationError as error:
            errors = {}
            for key, texts in _messages(error):
                if key.startswith("lines[") and "]." in key:
                    index, name = key[len("lines[") :].split("].", 1)
                    if index.isdigit() and int(index) < len(order):
                        key = f"line-{order[int(index)]}-{name}"
                errors["general" if key == "__all__" else key] = " ".join(texts)
            return self.page(400, sent="decide", errors=errors, typed=typed)
        messages.success(request, _("The appeal is decided; the employee reads the decision."))
        return redirect("appeal-page", self.appeal.pk)

    def _typed_lines(self, post):
        """The lines whose score or actual the decider changed: ([{id, field: value}], [line ids], errors)."""
        lines, order, errors = [], [], {}
        for line in self.appeal.appraisal.lines.all():
            rated = line.kind == IndicatorKind.RATED
            name = "manager_score" if rated else "actual"
            key = f"line-{line.pk}-{name}"
            raw = post.get(key, "").strip()
            if not raw:
                continue
            try:
                value = int(raw) if rated else Decimal(raw)
            except (ValueError, InvalidOperation):
                errors[key] = _("Enter a whole number on the scale.") if rated else _("Enter a number.")
                continue
            if not rated and not value.is_finite():
                errors[key] = _("Enter a number.")
                continue
            if value != (line.manager_score if rated else line.actual):
                lines.append({"id": line.pk, name: value})
                order.append(line.pk)
        return lines, order, errors
