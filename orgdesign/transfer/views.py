"""HR's page for moving the organisation in and out of spreadsheets."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.views import APIView

from orgdesign import access
from orgdesign.api.permissions import AccessPermission
from orgdesign.downloads import content_disposition
from orgdesign.mixins import AccessRequiredMixin
from orgdesign.transfer import jobs
from orgdesign.transfer.export import csv_bytes, workbook_bytes
from orgdesign.transfer.layout import BY_NAME, SHEETS
from orgdesign.transfer.read import ImportRefused, check_upload, max_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_hr(user):
    if not access.can(user, "write", "organisation transfer"):
        raise PermissionDenied(_("Only HR imports and exports the organisation."))


def download(name):
    """The workbook (`organisation.xlsx`) or one sheet (`units.csv` …) as a download response."""
    stem, _dot, extension = name.rpartition(".")
    if name == "organisation.xlsx":
        response = HttpResponse(workbook_bytes(), content_type=XLSX)
    elif extension == "csv" and stem in BY_NAME:
        response = HttpResponse(csv_bytes(stem), content_type="text/csv; charset=utf-8")
    else:
        raise Http404(_("Download organisation.xlsx or a sheet as NAME.csv."))
    response["Content-Disposition"] = content_disposition(name)
    return response


class TransferView(AccessRequiredMixin, TemplateView):
    """Download the organisation; upload a file, see what it would do row by row, then apply it."""

    template_name = "transfer/transfer.html"
    access_resource = "organisation transfer"
    access_denied_message = gettext_lazy("Only HR imports and exports the organisation.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sheets=SHEETS, limit_mb=max_bytes() // (1024 * 1024))
        return context

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            context = self.get_context_data(errors={"file": _("Choose a file to import.")})
            return self.render_to_response(context, status=400)
        if upload.size > max_bytes():
            context = self.get_context_data(
                errors={"file": _("The file is larger than %(limit)s MB.") % {"limit": max_bytes() // (1024 * 1024)}}
            )
            return self.render_to_response(context, status=400)
        data = upload.read()
        try:
            check_upload(data, upload.name)  # here, at once, wherever the reading itself runs
            token, _plan = jobs.check(data, upload.name, request.user)
        except ImportRefused as refused:
            context = self.get_context_data(errors={"file": " ".join(str(p) for p in refused.problems)})
            return self.render_to_response(context, status=400)
        return redirect("transfer-job", token)


class DownloadView(AccessRequiredMixin, View):
    access_resource = "organisation transfer"
    access_denied_message = gettext_lazy("Only HR imports and exports the organisation.")

    def get(self, request, name):
        return download(name)


def _job(request, token):
    _require_hr(request.user)
    try:
        job = jobs.state(token)
    except (FileNotFoundError, ValueError):
        raise Http404(_("There is no such import.")) from None
    if job.get("user") != request.user.pk:
        raise Http404(_("There is no such import."))
    return job


class JobView(LoginRequiredMixin, TemplateView):
    """The dry run's report, the apply button, and the progress while it runs."""

    template_name = "transfer/job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(job=_job(self.request, kwargs["token"]), token=kwargs["token"])
        return context

    def post(self, request, token):
        job = _job(request, token)
        if job["problem_count"]:
            messages.error(request, _("The file has problems; nothing can be imported from it."))
            return redirect("transfer-job", token)
        jobs.start(token, request.user, background=getattr(settings, "IMPORT_IN_BACKGROUND", True))
        return redirect("transfer-job", token)


class ProgressView(JobView):
    template_name = "transfer/_progress.html"


class ExportApiView(APIView):
    """The organisation as a file, for systems that read all of it."""

    access_resource = "organisation export"

    permission_classes = [AccessPermission]
    access_denied_message = gettext_lazy("Exporting the organisation needs HR or the API reader role.")

    @extend_schema(
        summary="The organisation as a spreadsheet",
        description="`organisation.xlsx`: every sheet in one workbook; `NAME.csv`: one sheet (units, positions, "
        "duties, authorities, standards, employees, indicators, kpi_sets …). The same files the import reads.",
        parameters=[
            OpenApiParameter(
                "name", str, OpenApiParameter.PATH, description="`organisation.xlsx`, or a sheet as `NAME.csv`."
            )
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, name):
        return download(name)
