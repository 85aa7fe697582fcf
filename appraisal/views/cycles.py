"""HR's pages of a cycle: the list, its steps and progress, calibration and results."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from appraisal import exports
from appraisal.choices import CycleState
from appraisal.models import Appraisal, AppraisalCycle
from appraisal.selectors import PROGRESS, band_codes, cycle_distribution, cycle_results, late, progress_of
from appraisal.services import (
    appraisal_calibrate,
    cycle_close,
    cycle_open,
    cycle_reopen,
    cycle_start_calibration,
    cycle_write,
)
from appraisal.views.appraisals import _require_hr
from departments.models import Department
from orgdesign.exceptions import ConcurrentUpdate, Conflict

# --- HR: cycles ----------------------------------------------------------------------------------


class CycleListView(LoginRequiredMixin, TemplateView):
    template_name = "appraisal/cycle_list.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        context["cycles"] = AppraisalCycle.objects.select_related("scope").order_by("-period_start")
        context["units"] = Department.objects.order_by("path")
        context.setdefault("form", {})
        return context

    def post(self, request, *args, **kwargs):
        _require_hr(request.user)
        form = {k: request.POST.get(k, "").strip() for k in
                ("name", "period_start", "period_end", "self_deadline", "review_deadline", "scope")}  # fmt: skip
        fields = {k: v or None for k, v in form.items() if k != "scope"}
        fields["name"] = form["name"]
        fields["scope"] = Department.objects.filter(pk=form["scope"]).first() if form["scope"].isdigit() else None
        try:
            cycle = cycle_write(fields=fields, user=request.user)
        except ValidationError as error:
            context = self.get_context_data(form=form, errors=error.message_dict)
            return self.render_to_response(context, status=400)
        messages.success(
            request, _("Cycle %(name)s created as a draft; open it when it should start.") % {"name": cycle}
        )
        return redirect("cycle-page", cycle.pk)


class CycleDetailView(LoginRequiredMixin, TemplateView):
    """A cycle's steps and its progress per unit: who has not started, who self-assessed, reviewed, acknowledged."""

    template_name = "appraisal/cycle_detail.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle.objects.select_related("scope"), pk=kwargs["pk"])
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
            unit["counts"][progress_of(appraisal)] += 1
            unit["total"] += 1
            appraisal.late = late(appraisal, today)
            if appraisal.late:
                overdue.append(appraisal)
        totals = Counter(progress_of(a) for a in appraisals)
        context.update(
            cycle=cycle,
            units=[{**u, "cells": [u["counts"].get(key, 0) for key, _label in PROGRESS]} for u in units.values()],
            totals=[totals.get(key, 0) for key, _label in PROGRESS],
            total=len(appraisals),
            progress_labels=PROGRESS,
            overdue=overdue,
            events=cycle.events.select_related("user").order_by("-at"),
            left_out=cycle.left_out or [],
        )
        return context

    def post(self, request, pk):
        _require_hr(request.user)
        cycle = get_object_or_404(AppraisalCycle, pk=pk)
        action = request.POST.get("action")
        steps = {
            "open": lambda: cycle_open(cycle=cycle, user=request.user),
            "start_calibration": lambda: cycle_start_calibration(cycle=cycle, user=request.user),
            "close": lambda: cycle_close(cycle=cycle, user=request.user),
            "reopen": lambda: cycle_reopen(cycle=cycle, reason=request.POST.get("reason", ""), user=request.user),
        }
        if action not in steps:
            messages.error(request, _("Unknown step."))
            return redirect("cycle-page", pk)
        try:
            steps[action]()
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
        else:
            cycle.refresh_from_db()
            messages.success(
                request, _("%(cycle)s is now %(state)s.") % {"cycle": cycle, "state": cycle.get_state_display()}
            )
        return redirect("cycle-page", pk)


def _bar_chart(distribution, codes):
    """Bars of band shares per unit with the guideline marks, laid out for an SVG drawn on the server."""
    rows = [*distribution["units"], {**distribution["total"], "name": _("All units"), "is_total": True}]
    width, label_width, row_height = 720, 150, 30
    scale = (width - label_width - 20) / 100
    guideline = distribution["guideline"]
    bars = []
    for index, row in enumerate(rows):
        x, segments = label_width, []
        for code in codes:
            share = float(row["shares"][code])
            segments.append({"code": code, "x": round(x, 1), "width": round(share * scale, 1),
                             "share": row["shares"][code], "count": row["counts"][code]})  # fmt: skip
            x += share * scale
        bars.append({"y": index * row_height + 24, "label": row["name"] or "—", "segments": segments, "row": row})
    return {
        "width": width,
        "height": len(rows) * row_height + 44,
        "label_width": label_width,
        "bars": bars,
        "s_x": round(label_width + float(guideline["s_max"]) * scale, 1),
        "sa_x": round(label_width + float(guideline["sa_max"]) * scale, 1),
        "guideline": guideline,
        "bar_height": row_height - 10,
        "ticks": [{"x": round(label_width + p * scale, 1), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
    }


class CalibrationView(LoginRequiredMixin, TemplateView):
    """The band distribution per unit against the guideline, the people behind each bar, and moving a band."""

    template_name = "appraisal/calibration.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle.objects.select_related("scope"), pk=kwargs["pk"])
        codes = band_codes()
        distribution = cycle_distribution(cycle)
        context.update(
            cycle=cycle,
            codes=codes,
            distribution=distribution,
            chart=_bar_chart(distribution, codes),
            can_move=cycle.state == CycleState.CALIBRATION,
        )
        return context

    def post(self, request, pk):
        _require_hr(request.user)
        appraisal_id = request.POST.get("appraisal", "")
        appraisal = get_object_or_404(
            Appraisal.objects.select_related("employee"), pk=appraisal_id if appraisal_id.isdigit() else 0, cycle_id=pk
        )
        try:
            appraisal_calibrate(
                appraisal=appraisal,
                band=request.POST.get("band", ""),
                reason=request.POST.get("reason", ""),
                user=request.user,
                expected_revision=int(request.POST["revision"]) if request.POST.get("revision", "").isdigit() else None,
            )
        except ValidationError as error:
            messages.error(request, f"{appraisal.employee.name}: {' '.join(error.messages)}")
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s moved to %(band)s.") % {"name": appraisal.employee.name, "band": request.POST.get("band")},
            )
        return redirect("cycle-calibration", pk)


class ResultsView(LoginRequiredMixin, TemplateView):
    template_name = "appraisal/results.html"

    def get_context_data(self, **kwargs):
        _require_hr(self.request.user)
        context = super().get_context_data(**kwargs)
        cycle = get_object_or_404(AppraisalCycle, pk=kwargs["pk"])
        rows = cycle_results(cycle)
        context.update(cycle=cycle, rows=rows, candidates=[r for r in rows if r["promotion_candidate"]])
        return context


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
        response["Content-Disposition"] = content_disposition_header(True, f"results-{cycle.name}.{fmt}")
        return response
