"""The pages that are not about one kind of record: home and sign-in."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, F, Q
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.views.generic import TemplateView

from appraisal import visibility
from appraisal.choices import AppealState, AppraisalState, CycleState
from appraisal.models import Appeal, Appraisal, AppraisalCycle
from appraisal.selectors import STAGES, stage_of
from departments.models import Department
from orgdesign import access
from positions.models import DescriptionDraft, Employee, Position
from positions.selectors import position_rows, seat_counts


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon."""
    return redirect(static("favicon.svg"), permanent=True)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def cycle_progress(cycle, appraisals):
    """How far `appraisals` of `cycle` are: counts per stage (a submitted review is its own), in workflow order."""
    counts = {}
    rows = (
        appraisals.filter(cycle=cycle)
        .values_list("state")
        .annotate(n=Count("id"), submitted=Count("id", filter=Q(reviewed__isnull=False)))
    )
    for state, number, submitted in rows:
        for stage, count in ((stage_of(state, True), submitted), (stage_of(state, None), number - submitted)):
            counts[stage] = counts.get(stage, 0) + count
    return {
        "cycle": cycle,
        "total": sum(counts.values()),
        "states": [{"state": stage, "label": label, "count": counts.get(stage, 0)} for stage, label in STAGES],
    }


def appraisals_at_home(user, person, limit=10):
    """What waits on the appraisals: for HR the open objections and appeals; for a person their own results."""
    context = {}
    if person is not None:
        mine = list(
            Appraisal.objects.filter(employee=person)
            .select_related("cycle", "appeal")
            .order_by("-cycle__period_start")[:4]
        )
        for appraisal in mine:
            facts = visibility.Facts.of(appraisal)
            fields, _lines = visibility.readable("employee", facts)
            appraisal.shown_band = (appraisal.band or appraisal.computed_band) if "band" in fields else ""
            appraisal.waits = appraisal.state == AppraisalState.CALIBRATED and facts.result_out
            appeal = getattr(appraisal, "appeal", None)  # the reverse accessor raises an AttributeError when none
            appraisal.appeal_decided = appeal if appeal is not None and appeal.state == AppealState.DECIDED else None
        context["my_appraisals"] = mine
    if access.is_hr(user):
        objections = (
            Appraisal.objects.filter(objection_resolved__isnull=True)
            .exclude(objection="")
            .select_related("cycle", "employee")
            .order_by("-cycle__period_start", "employee__employee_no")
        )
        appeals = (
            Appeal.objects.filter(state=AppealState.OPEN)
            .select_related("appraisal__cycle", "appraisal__employee", "decider")
            .order_by("due", "id")
        )
        today = timezone.localdate()
        context.update(
            open_objections=list(objections[:limit]),
            open_objection_count=objections.count(),
            open_appeals=[{"appeal": appeal, "overdue": appeal.due < today} for appeal in appeals[:limit]],
            open_appeal_count=appeals.count(),
            overdue_appeal_count=appeals.filter(due__lt=today).count(),
        )
    return context


class HomeView(LoginRequiredMixin, TemplateView):
    """A start page per role: HR sees the organisation's state, managers their unit, employees themselves."""

    template_name = "orgdesign/home.html"
    vacancy_limit = 15

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = access.employee_of(user)
        positions = access.visible(user, Position.objects.all())
        units = access.visible(user, Department.objects.all())
        people = access.visible(user, Employee.objects.filter(active=True))
        vacant = position_rows(positions).filter(filled__lt=F("headcount")).order_by("department__path", "order", "id")
        context.update(
            person=person,
            is_hr=access.is_hr(user),
            is_manager=access.is_manager(user),
            counts={
                "units": units.count(),
                "positions": positions.count(),
                "people": people.count(),
                **seat_counts(positions),
            },
            vacancies=list(vacant[: self.vacancy_limit]),
            vacancy_total=vacant.count(),
            reviews=access.reviewable_drafts(user, DescriptionDraft.objects.select_related("position", "author")),
            my_drafts=DescriptionDraft.objects.filter(author=user).select_related("position")
            if access.can_edit_descriptions(user)
            else [],
        )
        visible_appraisals = access.visible(user, Appraisal.objects.all())
        cycles = access.visible(
            user, AppraisalCycle.objects.filter(state__in=[CycleState.OPEN, CycleState.CALIBRATION])
        )
        context["cycles"] = [cycle_progress(cycle, visible_appraisals) for cycle in cycles.order_by("-period_start")]
        if person is not None:
            waiting = dict(
                visible_appraisals.filter(reviewer=person, state=AppraisalState.MANAGER_REVIEW, reviewed__isnull=True)
                .values_list("cycle_id")
                .annotate(n=Count("id"))
            )
            for progress in context["cycles"]:
                progress["waiting"] = waiting.get(progress["cycle"].pk, 0)
        context.update(appraisals_at_home(user, person))
        context["units_without_head"] = units.filter(Q(head__isnull=True)).count()
        return context
