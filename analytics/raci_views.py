"""Pages of cross-unit processes: the list, and the RACI matrix of one process, which HR edits in place."""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from analytics.choices import RaciRole
from analytics.models import Process
from analytics.raci import process_matrix, process_steps
from analytics.raci_exports import XLSX, process_matrix_xlsx
from analytics.services import process_delete, process_write
from departments.models import Department
from departments.selectors import tree_order
from orgdesign import access
from orgdesign.downloads import content_disposition
from orgdesign.exceptions import ConcurrentUpdate
from positions.models import Position

MAX_STEPS = 200  # rows a posted matrix may carry
_STEP_KEY = re.compile(r"^steps\[(\d+)\]")


def _require_hr(user):
    if not access.can(user, "write", "processes"):
        raise PermissionDenied(_("Only HR edits cross-unit processes."))


def _process_fields(post):
    """The process's own fields as posted; an unknown unit is a field error of the service."""
    owner = post.get("owner", "")
    return {
        "name": post.get("name", "").strip(),
        "name_en": post.get("name_en", "").strip(),
        "description": post.get("description", "").strip(),
        "owner": Department.objects.filter(pk=owner).first() if owner.isdigit() else None,
    }


def _fields_of(process):
    return {
        "name": process.name,
        "name_en": process.name_en,
        "description": process.description,
        "owner": process.owner,
    }


def _errors_of(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


class ProcessListView(LoginRequiredMixin, TemplateView):
    """The cross-unit processes, with how many steps each has and which break the one-Accountable rule."""

    template_name = "analytics/process_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        processes = list(Process.objects.select_related("owner").annotate(step_count=Count("steps")))
        steps = process_steps([process.pk for process in processes], user=self.request.user)
        for process in processes:
            process.problems = [step["problem"] for step in steps[process.pk] if step["problem"]]
        context.update(
            processes=processes, can_edit=access.is_hr(self.request.user), units=tree_order(Department.objects.all()),
            form=kwargs.get("form", {}), errors=kwargs.get("errors", {}),
        )  # fmt: skip
        return context

    def post(self, request, *args, **kwargs):
        _require_hr(request.user)
        fields = {**_process_fields(request.POST), "code": request.POST.get("code", "").strip()}
        try:
            process = process_write(fields=fields)
        except ValidationError as error:
            context = self.get_context_data(form=request.POST, errors=_errors_of(error))
            return self.render_to_response(context, status=400)
        messages.success(request, _("The process was created. Add its steps and who does what."))
        return redirect("process-page", process.pk)


class ProcessMatrixView(LoginRequiredMixin, TemplateView):
    """Rows are steps, columns the positions involved, each cell R, A, C, I or empty.

    HR's form posts the whole matrix with the revision it was read at; it is saved in one
    transaction, or refused (400 naming the step; 409 if someone saved in between, keeping
    what was typed).
    """

    template_name = "analytics/process_matrix.html"

    def dispatch(self, request, *args, **kwargs):
        self.process = get_object_or_404(Process.objects.select_related("owner"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        matrix = process_matrix(self.process, user=request.user)
        return self.render_to_response(
            self.grid_context(matrix["positions"], matrix["steps"], revision=self.process.revision)
        )

    def grid_context(self, columns, rows, *, revision, fields=None, errors=None):
        can_edit = access.is_hr(self.request.user)
        rows = [row for row in rows if row["id"] or row["name"] or any(row["roles"]) or row.get("errors")]
        if can_edit:
            rows = [*rows, {"id": None, "name": "", "name_en": "", "description": "", "roles": [""] * len(columns)}]
        for row in rows:
            row["cells"] = [
                {"position": column["id"], "role": role} for column, role in zip(columns, row["roles"], strict=True)
            ]
        taken = {column["id"] for column in columns}
        context = self.get_context_data(
            process=self.process, columns=columns, rows=rows, revision=revision, can_edit=can_edit,
            roles=RaciRole.choices, fields=fields or _fields_of(self.process), errors=errors or {},
        )  # fmt: skip
        if can_edit:
            context["units"] = tree_order(Department.objects.all())
            context["addable"] = [p for p in _positions(Position.objects.all()) if p["id"] not in taken]
        return context

    def post(self, request, *args, **kwargs):
        _require_hr(request.user)
        action = request.POST.get("action", "save")
        revision = request.POST.get("revision", "")
        if action == "delete":
            return self.delete(revision)
        columns, rows = _grid_from_post(request.POST)
        fields = _process_fields(request.POST)
        if action == "add_column":
            wanted = request.POST.get("add_position", "")
            added = _positions(Position.objects.filter(pk=wanted)) if wanted.isdigit() else []
            if added and added[0]["id"] not in {column["id"] for column in columns}:
                columns.append(added[0])
                for row in rows:
                    row["roles"].append("")
            return self.render_to_response(self.grid_context(columns, rows, revision=revision, fields=fields))
        steps, row_of = _steps_from_rows(columns, rows)
        try:
            if not revision.isdigit():
                raise ValidationError({"revision": [_("The form is missing its revision; reload the page.")]})
            process_write(process=self.process, fields=fields, steps=steps, expected_revision=int(revision))
        except ValidationError as error:
            errors = {}
            for key, texts in _errors_of(error).items():
                found = _STEP_KEY.match(key)
                if found and int(found.group(1)) < len(row_of):
                    rows[row_of[int(found.group(1))]].setdefault("errors", []).extend(texts)
                else:
                    errors[key] = texts
            context = self.grid_context(columns, rows, revision=revision, fields=fields, errors=errors)
            context["failed"] = True
            return self.render_to_response(context, status=400)
        except ConcurrentUpdate as error:
            messages.error(
                request,
                _(
                    "%(process)s was changed by someone else after you opened it. What you typed is kept below: "
                    "open the process in another tab to see their change, or save again to replace it with yours."
                )
                % {"process": error.obj},
            )
            return self.render_to_response(
                self.grid_context(columns, rows, revision=error.current, fields=fields), status=409
            )
        messages.success(request, _("The matrix was saved."))
        return redirect("process-page", self.process.pk)

    def delete(self, revision):
        try:
            process_delete(process=self.process, expected_revision=int(revision) if revision.isdigit() else None)
        except ConcurrentUpdate as error:
            messages.error(self.request, str(error))
            return redirect("process-page", self.process.pk)
        messages.success(self.request, _("The process was deleted."))
        return redirect("processes-page")


class ProcessMatrixXlsxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        process = get_object_or_404(Process, pk=pk)
        content = process_matrix_xlsx(process, process_matrix(process, user=request.user))
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = content_disposition(f"RACI-{process.code}.xlsx")
        return response


def _positions(queryset):
    """Positions as matrix columns, in the order of the unit tree."""
    return list(
        queryset.order_by("department__path", "order", "id").values(
            "id", "code", "title", "title_en", unit_name=F("department__name")
        )
    )


def _grid_from_post(post):
    """(columns, rows) as typed: the posted positions and, for each posted row, its fields and one role per column."""
    wanted = list(dict.fromkeys(int(value) for value in post.getlist("column") if value.isdigit()))
    found = {position["id"]: position for position in _positions(Position.objects.filter(pk__in=wanted))}
    columns = [found[pk] for pk in wanted if pk in found]
    count = post.get("step_count", "")
    rows = []
    for index in range(min(int(count), MAX_STEPS) if count.isdigit() else 0):
        prefix = f"step-{index}-"
        step_id = post.get(f"{prefix}id", "")
        rows.append({
            "id": int(step_id) if step_id.isdigit() else None,
            "name": post.get(f"{prefix}name", "").strip(),
            "name_en": post.get(f"{prefix}name_en", "").strip(),
            "description": post.get(f"{prefix}description", "").strip(),
            "remove": bool(post.get(f"{prefix}remove")),
            "roles": [post.get(f"{prefix}role-{column['id']}", "") for column in columns],
        })  # fmt: skip
    return columns, rows


def _steps_from_rows(columns, rows):
    """The steps for `process_write` and, for each, the row it came from (to put its errors back)."""
    positions = Position.objects.in_bulk([column["id"] for column in columns])
    steps, row_of = [], []
    for index, row in enumerate(rows):
        if row["remove"] or (row["id"] is None and not row["name"] and not any(row["roles"])):
            continue  # removed, or the blank row for a new step left blank
        assignments = [
            {"position": positions[column["id"]], "role": role}
            for column, role in zip(columns, row["roles"], strict=True)
            if role
        ]
        steps.append({**{k: row[k] for k in ("id", "name", "name_en", "description")}, "assignments": assignments})
        row_of.append(index)
    return steps, row_of
