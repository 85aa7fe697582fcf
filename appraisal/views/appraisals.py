"""Pages of one appraisal: my appraisals and my team's, the appraisal itself, the live total and the PDF.

What each person sees and may change is `appraisal.visibility`'s; the forms (`appraisal.forms`)
call the services.
"""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from appraisal import visibility
from appraisal.choices import AppraisalAction, AppraisalState, CycleState, Dimension
from appraisal.forms import SERVICE_ROLE, AcknowledgeForm, AppealForm, AppraisalForm, ResolveObjectionForm
from appraisal.models import Appeal, Appraisal, AppraisalLine
from appraisal.pdf import appraisal_pdf
from appraisal.selectors import late, stage_label, stage_of
from appraisal.services import appeal_deadline_passed, appraisal_preview, appraisal_recall, may_decide
from appraisal.services.appeals import APPEALABLE
from appraisal.services.results import bands, outcome_of
from appraisal.templatetags.appraisal_tags import (
    coefficient_text,
    final_score_text,
    merit_text,
    plain,
    result_text,
    score_text,
)
from orgdesign import access
from orgdesign.audit import history_entries
from orgdesign.downloads import content_disposition
from orgdesign.exceptions import ConcurrentUpdate, Conflict

# The field whose readers may read an event's reason; None: HR alone.
EVENT_REASON_FIELD = {
    AppraisalAction.RETURNED: "returned_reason",
    AppraisalAction.CALIBRATED: "band_reason",
    AppraisalAction.RESULT_CHANGED: "result_change_reason",
    AppraisalAction.OBJECTION_RESOLVED: "objection_resolution",
    AppraisalAction.APPEAL_FILED: "appeal",
    AppraisalAction.APPEAL_DECIDED: "appeal",
}
EMPLOYEE_EVENTS = (AppraisalAction.RESULT_CHANGED, AppraisalAction.APPEAL_DECIDED)
# Appeal texts (grounds, decision) are between the employee and who decides; never the manager's.
READS_APPEAL = ("employee", "hr", "reader")
WHO_ENTERED = ("self_actual", "manager_actual")


def _visible_appraisal(user, pk):
    queryset = Appraisal.objects.select_related(
        "cycle", "employee", "reviewer", "department", "position", "band_adjusted_by"
    )
    return get_object_or_404(access.visible(user, queryset), pk=pk)


def _require_hr(user):
    if not access.is_hr(user):
        raise PermissionDenied(_("Only HR runs appraisal cycles."))


def page_role(user, appraisal):
    """The policy's role of `user` on this page; HR who reviews the appraisal reads and scores it as its reviewer."""
    role = visibility.role_of(user, appraisal)
    person = access.employee_of(user)
    if role == "hr" and person is not None and appraisal.reviewer_id == person.pk:
        return "reviewer"
    return role


def _appeal_of(appraisal):
    try:
        return appraisal.appeal
    except Appeal.DoesNotExist:
        return None


def _revision(data):
    value = data.get("revision", "")
    return int(value) if value.isdigit() else None


def history(appraisal, role, fields, line_fields, lines):
    """The appraisal's events and who entered which actual, newest first, as the role may read them."""
    entries = []
    events = appraisal.events.select_related("user").order_by("-at", "-id")
    if role == "employee":
        events = events.filter(action__in=EMPLOYEE_EVENTS)
    for event in events:
        reason = event.reason if _reads_reason(event.action, role, fields) else ""
        changes = [
            {"field": capfirst(Appraisal._meta.get_field(name).verbose_name),
             "before": result_text(name, _number(before)), "after": result_text(name, _number(after))}
            for name, (before, after) in sorted((event.changes or {}).items())
            if name in fields & visibility.RESULT and _number(before) != _number(after)
        ]  # fmt: skip
        entries.append({
            "at": event.at, "what": event.get_action_display(), "reason": reason, "changes": changes,
            "user": event.user.get_username() if event.user and role != "employee" else "",
        })  # fmt: skip
    shown = [name for name in WHO_ENTERED if name in line_fields]
    if role != "employee" and shown:
        names = {line.pk: line.name for line in lines}
        labels = {"self_actual": _("the employee's actual"), "manager_actual": _("the manager's actual")}
        for entry in history_entries(AppraisalLine.history.filter(appraisal_id=appraisal.pk)):
            changes = [
                {"field": labels[c["field"]], "before": plain(_number(c["old"])), "after": plain(_number(c["new"]))}
                for c in entry["changes"]
                if c["field"] in shown and _number(c["old"]) != _number(c["new"])
            ]
            if changes:
                entries.append({"at": entry["at"], "what": names.get(entry["object_id"], ""), "reason": "",
                                "changes": changes, "user": entry["user"] or ""})  # fmt: skip
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


def shown_result(appraisal, fields, band_rows=None):
    """The result of `appraisal` as someone who may read `fields` reads it: the same on every page and the PDF.

    {final_score, computed_band, band, moved, bonus_coefficient, merit_increase, provisional, draft}.
    Only a submitted review has a band and outcomes: until the cycle closes they are the band HR
    gave or else the score's, worth what the band table says now, and `provisional`. A review not
    yet submitted is a `draft`: its reviewer and HR read its score, nobody reads a band for it.
    Whatever `fields` leaves out is None (or empty).
    """
    submitted = appraisal.submitted_review
    band = (appraisal.band or appraisal.computed_band) if submitted else ""
    bonus, merit = appraisal.bonus_coefficient, appraisal.merit_increase
    if band and (bonus is None or merit is None):
        worth = outcome_of(band, band_rows if band_rows is not None else bands())
        bonus, merit = (bonus if bonus is not None else worth[0]), (merit if merit is not None else worth[1])
    if not submitted:
        bonus = merit = None
    final = appraisal.final_score if "final_score" in fields else None
    shown_band = band if "band" in fields else ""
    return {
        "final_score": final,
        "computed_band": appraisal.computed_band if "computed_band" in fields else "",
        "band": shown_band,
        "moved": bool(shown_band) and "computed_band" in fields and shown_band != appraisal.computed_band,
        "bonus_coefficient": bonus if "bonus_coefficient" in fields else None,
        "merit_increase": merit if "merit_increase" in fields else None,
        "provisional": appraisal.cycle.state != CycleState.CLOSED and (final is not None or bool(shown_band)),
        "draft": not submitted and appraisal.state != AppraisalState.NOT_COMPLETED and final is not None,
    }


def _reads_reason(action, role, fields):
    """Whether `role` may read the reason of an event: as they may read the field it was written to."""
    field = EVENT_REASON_FIELD.get(action)
    if field == "appeal":
        return role in READS_APPEAL
    if field is None:
        return role == "hr"
    return field in fields


def _number(value):
    """A value kept as text in an event or history entry, as a number again if it is one."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


class AppraisalListView(LoginRequiredMixin, TemplateView):
    """My appraisals, the team a manager reviews and, for HR, the people HR reviews; states, deadlines, who is late."""

    template_name = "appraisal/appraisal_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = access.employee_of(user)
        is_hr = access.is_hr(user)
        mine, team, by_hr = [], [], []
        base = Appraisal.objects.select_related("cycle", "employee", "appeal")
        if person is not None:
            mine = list(base.filter(employee=person).order_by("-cycle__period_start"))
            team = list(
                access.visible(user, base.filter(reviewer=person))
                .exclude(cycle__state=CycleState.DRAFT)
                .order_by("-cycle__period_start", "employee__employee_no")
            )
        if is_hr:
            by_hr = list(
                base.filter(reviewer__isnull=True)
                .exclude(cycle__state=CycleState.DRAFT)
                .exclude(employee=person)
                .order_by("-cycle__period_start", "employee__employee_no")
            )
        today = timezone.localdate()
        band_rows = bands()
        read_as = [(a, "employee") for a in mine] + [(a, "reviewer") for a in team] + [(a, "hr") for a in by_hr]
        for appraisal, role in read_as:
            fields, _lines = visibility.readable(role, visibility.Facts.of(appraisal))
            appraisal.late = late(appraisal, today)
            appraisal.shown = shown_result(appraisal, fields, band_rows)
            appraisal.sent_back = appraisal.returned_reason if "returned_reason" in fields else ""
            appraisal.appealed = _appeal_of(appraisal)
        groups = defaultdict(list)
        for appraisal in team:
            groups[(appraisal.cycle, False)].append(appraisal)
        for appraisal in by_hr:
            groups[(appraisal.cycle, True)].append(appraisal)
        context.update(
            person=person,
            mine=mine,
            team_cycles=[
                {"cycle": cycle, "by_hr": by_hr_group, "appraisals": rows, "late": sum(1 for a in rows if a.late)}
                for (cycle, by_hr_group), rows in sorted(
                    groups.items(), key=lambda item: (-item[0][0].period_start.toordinal(), item[0][1])
                )
            ],
            is_hr=is_hr,
            today=today,
        )
        return context


class AppraisalDetailView(LoginRequiredMixin, TemplateView):
    """One appraisal: the self-assessment, the review, the result, its acknowledgement, objection and appeal."""

    template_name = "appraisal/appraisal_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.appraisal = _visible_appraisal(request.user, kwargs["pk"])
            self.role = page_role(request.user, self.appraisal)
            if self.role is None:
                raise Http404
            self.lines = list(self.appraisal.lines.all())
        return super().dispatch(request, *args, **kwargs)

    def reload(self):
        self.appraisal = _visible_appraisal(self.request.user, self.appraisal.pk)
        self.lines = list(self.appraisal.lines.all())

    def scoring_form(self, data=None):
        """The self-assessment or review form this person gets now, or None for a page that only reads."""
        form = AppraisalForm(data, appraisal=self.appraisal, role=self.role, lines=self.lines)
        return form if form.fields else None

    @property
    def reviews(self):
        """Whether this person scores the appraisal (its reviewer, or HR at the top of the tree)."""
        return self.role == "reviewer" or (self.role == "hr" and self.appraisal.reviewer_id is None)

    def get_context_data(self, form=None, small_forms=None, unsaved=None, **kwargs):
        context = super().get_context_data(**kwargs)
        a, role = self.appraisal, self.role
        facts = visibility.Facts.of(a)
        fields, line_fields = visibility.readable(role, facts)
        if form is None:
            form = self.scoring_form()
        inputs = set(form.fields) if form is not None else set()
        for line in self.lines:
            line.scale = sorted(int(level["level"]) for level in line.levels) if line.levels else []
            line.inputs = {name: form[form.line_key(line, name)] for name in form.line_inputs[line.pk]} if form else {}
            line.errors = form.line_errors(line) if form is not None and form.is_bound else {}
            line.actuals_differ = (
                line.manager_actual is not None and line.manager_actual != line.self_actual
                and {"self_actual", "manager_actual"} <= line_fields
            )  # fmt: skip
        small = {"acknowledge": AcknowledgeForm(), "resolve": ResolveObjectionForm(), "appeal": AppealForm()}
        small.update(small_forms or {})
        appeal = _appeal_of(a)
        closed = a.cycle.state == CycleState.CLOSED
        result_readable = bool(fields & visibility.RESULT)
        may_appeal = role == "employee" and closed and facts.result_out and a.state in APPEALABLE
        context.update(
            appraisal=a,
            lines=self.lines,
            role=role,
            fields=fields,
            line_fields=line_fields,
            form=form,
            inputs=inputs,
            mode=("employee" if role == "employee" else "manager") if form is not None else None,
            errors_shown=form is not None and form.is_bound and bool(form.errors),
            refused=form.refused() if form is not None and form.is_bound and form.errors else "",
            preview=self.preview_of(form),
            forms=small,
            unsaved=unsaved,
            reviewer_is_hr=a.reviewer_id is None,
            closed=closed,
            provisional=result_readable and not closed,
            show_result=result_readable,
            not_completed=a.state == AppraisalState.NOT_COMPLETED,
            can_acknowledge=role == "employee" and a.state == AppraisalState.CALIBRATED and facts.result_out,
            can_resolve=role == "hr" and bool(a.objection) and a.objection_resolved is None,
            can_recall=self.reviews and a.reviewed is not None and not closed
            and a.state in (AppraisalState.MANAGER_REVIEW, AppraisalState.CALIBRATED),
            appeal=appeal,
            appeal_text=appeal is not None and role in READS_APPEAL,
            appeal_link=appeal is not None
            and (role == "hr" or (role == "reader" and may_decide(self.request.user, appeal))),
            can_appeal=may_appeal and appeal is None and not appeal_deadline_passed(a.cycle),
            appeal_closed=may_appeal and appeal is None and appeal_deadline_passed(a.cycle),
            history=history(a, role, fields, line_fields, self.lines),
            shown=shown_result(a, fields),
            late=late(a),
        )  # fmt: skip
        return context

    def preview_of(self, form):
        """The live total as saved, until the first keystroke asks for it as typed."""
        if form is None:
            return None
        return appraisal_preview(appraisal=self.appraisal, role=SERVICE_ROLE[self.role], lines={})[0]

    def render_page(self, status=200, **context):
        return self.render_to_response(self.get_context_data(**context), status=status)

    # --- steps ---------------------------------------------------------------------------------

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        steps = {
            "save": self.save, "submit": self.save, "acknowledge": self.acknowledge, "recall": self.recall,
            "resolve_objection": self.resolve_objection, "appeal": self.appeal,
        }  # fmt: skip
        if action not in steps:
            messages.error(request, _("Unknown step."))
            return redirect("appraisal-page", self.appraisal.pk)
        try:
            return steps[action](action, _revision(request.POST))
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
            self.reload()
            if action in ("save", "submit"):
                return self.refused_typing(status=409)
            return self.render_page(status=409)

    def save(self, action, revision):
        form = self.scoring_form(self.request.POST)
        if form is None:
            if self.role not in ("employee", "reviewer", "hr"):
                raise PermissionDenied(_("This appraisal cannot be changed by you."))
            messages.error(self.request, _("This appraisal cannot be changed now."))
            return self.refused_typing(status=409)
        if not form.save(submit=action == "submit", expected_revision=revision):
            return self.render_page(status=400, form=form)
        if action == "submit":
            if self.role != "employee":
                done = _("The review is submitted; HR calibrates the bands next.")
            elif self.appraisal.reviewer_id is None:
                done = _("Your self-assessment went to HR, who reviews it.")
            else:
                done = _("Your self-assessment went to your manager.")
            messages.success(self.request, done)
        else:
            messages.success(self.request, _("Saved."))
        return redirect("appraisal-page", self.appraisal.pk)

    def refused_typing(self, status):
        """The page as saved now, with what was typed: in the form if it can still be edited, else listed."""
        form = self.scoring_form(self.request.POST)
        if form is not None:
            return self.render_page(status=status, form=form)
        data = self.request.POST
        unsaved = []
        for line in self.lines:
            prefix = f"line-{line.pk}-"
            values = [data[key].strip() for key in data if key.startswith(prefix) and data[key].strip()]
            if values:
                unsaved.append({"line": line, "values": values})
        names = visibility.WRITES.get(self.role, {}).get("appraisal", ())
        texts = [data[name].strip() for name in sorted(names) if data.get(name, "").strip()]
        return self.render_page(status=status, unsaved={"lines": unsaved, "fields": texts})

    def acknowledge(self, action, revision):
        if self.role != "employee":
            raise PermissionDenied(_("Only the person appraised acknowledges the result."))
        AcknowledgeForm(self.request.POST).save(appraisal=self.appraisal, expected_revision=revision)
        messages.success(self.request, _("You acknowledged the result."))
        return redirect("appraisal-page", self.appraisal.pk)

    def recall(self, action, revision):
        if not self.reviews:
            raise PermissionDenied(_("Only the reviewer recalls a review."))
        appraisal_recall(appraisal=self.appraisal, user=self.request.user, expected_revision=revision)
        messages.success(self.request, _("The review is back with you: change it and submit it again."))
        return redirect("appraisal-page", self.appraisal.pk)

    def resolve_objection(self, action, revision):
        if self.role != "hr":
            raise PermissionDenied(_("HR answers objections."))
        form = ResolveObjectionForm(self.request.POST)
        if form.save(appraisal=self.appraisal, user=self.request.user) is None:
            return self.render_page(status=400, small_forms={"resolve": form})
        messages.success(self.request, _("Your answer is on the appraisal; the employee reads it."))
        return redirect("appraisal-page", self.appraisal.pk)

    def appeal(self, action, revision):
        if self.role != "employee":
            raise PermissionDenied(_("Only the person appraised appeals the result."))
        form = AppealForm(self.request.POST)
        if form.save(appraisal=self.appraisal, user=self.request.user) is None:
            return self.render_page(status=400, small_forms={"appeal": form})
        messages.success(self.request, _("Your appeal is filed; you will read the decision here."))
        return redirect("appraisal-page", self.appraisal.pk)


class AppraisalPreviewView(AppraisalDetailView):
    """The live total and band for the typed values, and the errors beside each field (htmx; nothing is saved)."""

    template_name = "appraisal/_score_summary.html"

    def post(self, request, *args, **kwargs):
        form = self.scoring_form(request.POST)
        if form is None:
            return self.render_to_response({"closed": True, "appraisal": self.appraisal})
        preview = form.preview(request.POST.get("refused"))
        _fields, line_fields = visibility.readable(self.role, visibility.Facts.of(self.appraisal))
        return self.render_to_response({
            "preview": preview, "form": form, "mode": "employee" if self.role == "employee" else "manager",
            "oob": True, "appraisal": self.appraisal, "errors_shown": bool(form.errors),
            "line_scores": preview["lines"].items() if "score" in line_fields else (),
        })  # fmt: skip


class AppraisalPdfView(AppraisalDetailView):
    """One appraisal with its whole breakdown as a PDF, showing what the reader may see, in the reader's language."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(appraisal_pdf(pdf_data(self.appraisal, self.role, self.lines)),
                                content_type="application/pdf")  # fmt: skip
        name = f"appraisal-{self.appraisal.cycle.name}-{self.appraisal.employee.employee_no}.pdf"
        response["Content-Disposition"] = content_disposition(name)
        return response

    def post(self, request, *args, **kwargs):
        raise Http404


def _text(value):
    return "" if value in (None, "") else str(plain(value))


def pdf_data(appraisal, role, lines):
    """The dict `appraisal.pdf.appraisal_pdf` takes: the appraisal as `role` may read it, already formatted."""
    a = appraisal
    facts = visibility.Facts.of(a)
    fields, line_fields = visibility.readable(role, facts)
    english = (get_language() or "").startswith("en")

    def shown(name):
        return _text(getattr(a, name)) if name in fields else ""

    reviewer = a.reviewer.name if a.reviewer_id else _("HR")
    subtitle = " · ".join(part for part in [
        a.position_title, a.department.name if a.department_id else "", _("Reviewer: %(name)s") % {"name": reviewer},
    ] if part)  # fmt: skip
    result = shown_result(a, fields)
    state = stage_label(stage_of(a.state, a.reviewed))
    if fields & visibility.RESULT and a.cycle.state != CycleState.CLOSED:
        state = _("%(state)s (results provisional until the cycle closes)") % {"state": state}
    facts_rows = [(_("Cycle"), f"{a.cycle.name} ({a.cycle.period_start:%Y-%m-%d} – {a.cycle.period_end:%Y-%m-%d})"),
                  (_("State"), state)]  # fmt: skip
    if a.state == AppraisalState.NOT_COMPLETED:
        facts_rows.append((_("Result"), _("Not completed: the review was not submitted before the cycle closed.")))
    final = final_score_text(result["final_score"]) if result["final_score"] is not None else ""
    if final and result["draft"]:
        final = _("%(score)s (draft: not submitted, no result yet)") % {"score": final}
    band = result["band"]
    if band and result["moved"]:
        band = _("%(band)s (computed %(computed)s; moved in calibration)") % {"band": band, "computed": a.computed_band}
    if band and result["provisional"]:
        band = _("%(band)s (provisional)") % {"band": band}
    for label, value in [
        (_("Final score"), final), (_("Band"), band),
        (_("Bonus coefficient"), coefficient_text(result["bonus_coefficient"]) if band else ""),
        (_("Merit increase"), merit_text(result["merit_increase"]) if band else ""),
        (_("Feedback conversation"), shown("feedback_date")), (_("Acknowledged"), shown("acknowledged")),
    ]:  # fmt: skip
        if value and value != "—":
            facts_rows.append((label, value))
    appeal = _appeal_of(a)
    if appeal is not None:
        facts_rows.append((_("Appeal"), appeal.get_outcome_display() if appeal.outcome else appeal.get_state_display()))
    dimensions = []
    if "results_score" in fields:
        for dimension, label in Dimension.choices:
            score = getattr(a, f"{dimension}_score")
            dimensions.append({"name": str(label), "weight": f"{plain(a.dimension_weight(dimension))}%",
                               "score": score_text(score) if score is not None else ""})  # fmt: skip
    rows = []
    for line in lines:
        name = f"{line.name} · {line.name_en}" if english and line.name_en else line.name
        if line.kind == "quantitative":
            target = f"{plain(line.target)} {line.unit}".strip()
        else:
            scale = sorted(int(level["level"]) for level in line.levels) if line.levels else []
            target = _("levels %(low)s–%(high)s") % {"low": scale[0], "high": scale[-1]} if scale else ""
        comments = []
        if "self_comment" in line_fields and line.self_comment:
            comments.append(_("Employee: %(text)s") % {"text": line.self_comment})
        if "comment" in line_fields and line.comment:
            comments.append(_("Manager: %(text)s") % {"text": line.comment})
        actual = ""
        if "actual" in line_fields:
            actual = _text(line.actual)
        elif "manager_actual" in line_fields:
            actual = _text(line.manager_actual)
        rows.append({
            "name": name, "dimension": line.get_dimension_display(), "weight": f"{plain(line.weight)}%",
            "target": target,
            "self_actual": _text(line.self_actual) if "self_actual" in line_fields else "",
            "actual": actual,
            "self_score": _text(line.self_score) if "self_score" in line_fields else "",
            "manager_score": _text(line.manager_score) if "manager_score" in line_fields else "",
            "score": score_text(line.score) if "score" in line_fields and line.score is not None else "",
            "comment": "\n".join(comments),
        })  # fmt: skip
    sections = [
        (_("Self-assessment comment"), shown("self_comment")),
        (_("Manager's comment"), shown("manager_comment")),
        (_("Feedback notes"), shown("feedback_notes")),
        (_("Calibration note"), shown("band_note")),
        (_("Calibration reason (HR only)"), shown("band_reason")),
        (_("Sent back by HR"), shown("returned_reason")),
        (_("Why the result changed"), shown("result_change_reason")),
        (_("Objection"), shown("objection")),
        (_("HR's answer to the objection"), shown("objection_resolution")),
    ]
    if appeal is not None and role in READS_APPEAL:
        sections += [(_("Appeal grounds"), appeal.grounds), (_("Appeal decision"), appeal.decision)]
    return {
        "title": f"{a.cycle.name} · {a.employee.name}",
        "subtitle": subtitle,
        "labels": {
            "facts": _("Result"),
            "dimensions": _("Dimensions"),
            "lines": _("Indicators"),
            "dimension": _("Dimension"),
            "weight": _("Weight"),
            "score": _("Score"),
            "name": _("Indicator"),
            "target": _("Target"),
            "self_actual": _("Employee's actual"),
            "actual": _("Actual scored"),
            "self_score": _("Self score"),
            "manager_score": _("Manager score"),
            "comment": _("Comments"),
        },
        "facts": facts_rows,
        "dimensions": dimensions,
        "lines": rows,
        "sections": sections,
        "footer": _("Printed %(when)s · orgdesign") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    }
