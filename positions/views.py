"""Pages of a position: its description, the draft and review workflow, versions and the Word export."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from analytics.lint import position_findings
from analytics.raci import position_raci_roles
from orgdesign import access
from orgdesign.downloads import content_disposition
from orgdesign.exceptions import ConcurrentUpdate, Conflict
from positions import documents
from positions.choices import DutyCategory
from positions.forms import attach_errors, content_from_post, rows_from_content
from positions.models import DescriptionDraft, DescriptionVersion, Position
from positions.selectors import (
    description_diff,
    description_snapshot,
    draft_content_at,
    draft_snapshot,
    readable_description,
)
from positions.services import (
    _published_content,
    description_draft_approve,
    description_draft_discard,
    description_draft_return,
    description_draft_save,
    description_draft_start,
    description_draft_submit,
    draft_is_behind,
)

NEW_DRAFT = "new"


def visible_position(user, pk):
    queryset = Position.objects.select_related("department", "reports_to", "reports_to__department")
    queryset = queryset.prefetch_related("duties", "authorities", "standards")
    return get_object_or_404(access.visible(user, queryset), pk=pk)


def _names(snapshot):
    """Current names for the codes a snapshot refers to (unit, superior)."""
    from departments.models import Department

    unit = Department.objects.filter(code=snapshot.get("department")).values_list("name", flat=True).first()
    superior = None
    if snapshot.get("reports_to"):
        superior = Position.objects.filter(code=snapshot["reports_to"]).values_list("title", flat=True).first()
    return {
        "department_name": unit or snapshot.get("department"),
        "reports_to_title": superior or snapshot.get("reports_to"),
    }


class PositionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "positions/position_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        position = visible_position(user, kwargs["pk"])
        draft = DescriptionDraft.objects.filter(position=position).select_related("author").first()
        can_edit = access.can_edit_descriptions(user)
        latest = position.versions.order_by("-number").select_related("author", "reviewer").first()
        description = readable_description(description_snapshot(position))
        description.update(
            department_name=position.department.name, reports_to_title=getattr(position.reports_to, "title", None)
        )
        filled = position.holders.filter(active=True).count()
        context.update(
            position=position,
            description=description,
            filled=filled,
            vacant=max(position.headcount - filled, 0),
            subordinates=access.visible(user, position.subordinates.select_related("department")).order_by(
                "order", "id"
            ),
            holders=access.visible(user, position.holders.filter(active=True)).order_by("employee_no"),
            superior_visible=position.reports_to_id is not None
            and access.visible(user, Position.objects.filter(pk=position.reports_to_id)).exists(),
            latest=latest,
            version_count=position.versions.count(),
            draft=draft if (can_edit or access.can_review_description(user, position, draft)) else None,
            can_edit=can_edit,
            raci_roles=position_raci_roles(position),
            findings=position_findings(position) if access.is_hr(user) or access.is_manager(user) else None,
            can_review=draft is not None
            and draft.state == "in_review"
            and access.can_review_description(user, position, draft),
        )
        return context


class DescriptionEditView(LoginRequiredMixin, TemplateView):
    """HR's one form for a description: the working copy is saved as a draft, never over the published version."""

    template_name = "positions/description_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.position = visible_position(request.user, kwargs["pk"])
            if not access.can_edit_descriptions(request.user):
                raise PermissionDenied(_("Only HR edits position descriptions."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        draft = DescriptionDraft.objects.filter(position=self.position).first()
        content = draft.content if draft is not None else _published_content(self.position)
        return self.render_to_response(self.form_context(content, draft=draft))

    def form_context(self, content, *, draft, rows=None, errors=None, revision=None, conflict=None):
        rows = rows if rows is not None else rows_from_content(content)
        other_errors = attach_errors(rows, errors or {})
        return self.get_context_data(
            position=self.position,
            draft=draft,
            purpose=content.get("purpose", ""),
            purpose_en=content.get("purpose_en", ""),
            rows=rows,
            errors=other_errors,
            has_errors=bool(errors),
            revision=revision if revision is not None else (draft.revision if draft is not None else NEW_DRAFT),
            conflict=conflict,
            read_only=draft is not None and draft.state == "in_review",
            categories=DutyCategory.choices,
            new_duty={"key": "__key__", "category": DutyCategory.CORE},
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "save")
        draft = DescriptionDraft.objects.filter(position=self.position).first()
        if action == "discard":
            return self.discard(draft)
        expected = request.POST.get("revision", "")
        content, typed = content_from_post(request.POST)
        typed_rows = rows_from_content(content)
        for kind in typed_rows:  # keep what was typed, not what it parsed to
            for row, raw in zip(typed_rows[kind], typed[kind], strict=True):
                row.update({k: v for k, v in raw.items() if k in ("target", "key", "duty")})
        try:
            with transaction.atomic():
                draft = self.save(draft, content, expected)
                if action == "submit":
                    draft = description_draft_submit(draft=draft, expected_revision=draft.revision)
        except ValidationError as error:
            return self.render_to_response(
                self.form_context(content, draft=draft, rows=typed_rows, errors=_errors_of(error), revision=expected),
                status=400,
            )
        except ConcurrentUpdate:
            return self.conflict(content, typed_rows, expected)
        except Conflict as error:
            messages.error(request, str(error))
            return self.render_to_response(
                self.form_context(content, draft=draft, rows=typed_rows, revision=expected), status=409
            )
        if action == "submit":
            messages.success(request, _("The draft was submitted for review."))
            return redirect("position-page", self.position.pk)
        messages.success(
            request, _("The draft was saved. The published description is unchanged until a reviewer approves it.")
        )
        return redirect("description-edit", self.position.pk)

    def save(self, draft, content, expected):
        if expected == NEW_DRAFT:
            try:
                with transaction.atomic():
                    draft = description_draft_start(position=self.position, user=self.request.user, new_only=True)
            except IntegrityError:  # someone started one at the same moment
                draft = DescriptionDraft.objects.get(position=self.position)
                raise ConcurrentUpdate(draft, NEW_DRAFT, draft.revision) from None
            return description_draft_save(
                draft=draft, content=content, expected_revision=draft.revision, user=self.request.user
            )
        if draft is None:
            raise Conflict(_("The draft you were editing was approved or discarded meanwhile; reload the page."))
        try:
            revision = int(expected)
        except ValueError:
            raise ValidationError({"revision": [_("The form is missing its revision; reload the page.")]}) from None
        return description_draft_save(draft=draft, content=content, expected_revision=revision, user=self.request.user)

    def conflict(self, content, typed_rows, expected):
        """Refuse a stale save: keep what this editor typed, and show what the other editor changed."""
        draft = DescriptionDraft.objects.select_related("author").get(position=self.position)
        published = description_snapshot(self.position)
        if expected == NEW_DRAFT:
            before = published
        else:
            base = draft_content_at(draft, int(expected))
            before = draft_snapshot(published, base) if base is not None else published
        changes = description_diff(before, draft_snapshot(published, draft.content))
        conflict = {"author": draft.author, "updated": draft.updated, "diff": changes}
        messages.error(
            self.request,
            _(
                "%(who)s saved this draft after you opened it. Your text is kept below; their changes are listed. "
                "Saving again replaces their version with yours."
            )
            % {"who": draft.author or _("Someone")},
        )
        return self.render_to_response(
            self.form_context(content, draft=draft, rows=typed_rows, revision=draft.revision, conflict=conflict),
            status=409,
        )

    def discard(self, draft):
        if draft is None:
            return redirect("position-page", self.position.pk)
        try:
            description_draft_discard(draft=draft, expected_revision=_int_or_none(self.request.POST.get("revision")))
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(self.request, str(error))
            return redirect("description-edit", self.position.pk)
        messages.success(self.request, _("The draft was discarded."))
        return redirect("position-page", self.position.pk)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _errors_of(error):
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


class DescriptionReviewView(LoginRequiredMixin, TemplateView):
    """The reviewer's page: the draft against the published version; approve it or return it with a comment."""

    template_name = "positions/description_review.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.position = visible_position(request.user, kwargs["pk"])
            if not (
                access.can_review_description(request.user, self.position) or access.can_edit_descriptions(request.user)
            ):
                raise PermissionDenied(_("You do not review this description."))
            self.draft = DescriptionDraft.objects.filter(position=self.position).select_related("author").first()
            if self.draft is None:
                messages.info(request, _("There is no draft of this description to review."))
                return redirect("position-page", self.position.pk)
            if not (
                access.can_review_description(request.user, self.position, self.draft)
                or access.can_edit_descriptions(request.user)
            ):
                raise PermissionDenied(_("You do not review this description."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = description_snapshot(self.position)
        proposed = draft_snapshot(published, self.draft.content)
        behind = draft_is_behind(self.draft)
        if behind is not None:
            base = self.position.versions.filter(number=self.draft.base_version).first()
            context["behind"] = {
                "number": behind,
                "diff": description_diff(base.snapshot if base else {}, published),
                "base": self.draft.base_version,
            }
        context.update(
            position=self.position,
            draft=self.draft,
            diff=description_diff(published, proposed),
            proposed=readable_description({**proposed, **_names(proposed)}),
            can_review=self.draft.state == "in_review"
            and access.can_review_description(self.request.user, self.position, self.draft),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not access.can_review_description(request.user, self.position, self.draft):
            raise PermissionDenied(_("You do not review this description."))
        revision = _int_or_none(request.POST.get("revision"))
        try:
            if request.POST.get("action") == "approve":
                version = description_draft_approve(
                    draft=self.draft,
                    reviewer=request.user,
                    expected_revision=revision,
                    over_newer_version=request.POST.get("over_newer_version") == "1",
                )
                messages.success(
                    request,
                    _("Approved: version %(number)s is now the published description.") % {"number": version.number},
                )
            else:
                description_draft_return(
                    draft=self.draft,
                    reviewer=request.user,
                    comment=request.POST.get("comment", ""),
                    expected_revision=revision,
                )
                messages.success(request, _("The draft went back to its author with your comment."))
        except ValidationError as error:
            context = self.get_context_data(errors=_errors_of(error), comment=request.POST.get("comment", ""))
            return self.render_to_response(context, status=400)
        except (ConcurrentUpdate, Conflict) as error:
            messages.error(request, str(error))
            return redirect("description-review", self.position.pk)
        return redirect("position-page", self.position.pk)


class VersionListView(LoginRequiredMixin, TemplateView):
    template_name = "positions/version_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = visible_position(self.request.user, kwargs["pk"])
        versions = list(position.versions.select_related("author", "reviewer").order_by("-number"))
        context.update(position=position, versions=versions)
        return context


def _version(position, number):
    return get_object_or_404(
        DescriptionVersion.objects.select_related("author", "reviewer"), position=position, number=number
    )


class VersionDetailView(LoginRequiredMixin, TemplateView):
    template_name = "positions/version_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = visible_position(self.request.user, kwargs["pk"])
        version = _version(position, kwargs["number"])
        latest = position.versions.order_by("-number").values_list("number", flat=True).first()
        context.update(
            position=position,
            version=version,
            latest=latest,
            description=readable_description({**version.snapshot, **_names(version.snapshot)}),
        )
        return context


class VersionCompareView(LoginRequiredMixin, TemplateView):
    """Two versions side by side, additions and removals marked (`?a=1&b=2`; default: the last two)."""

    template_name = "positions/version_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        position = visible_position(self.request.user, kwargs["pk"])
        numbers = list(position.versions.order_by("number").values_list("number", flat=True))
        a, b = _int_or_none(self.request.GET.get("a")), _int_or_none(self.request.GET.get("b"))
        if a is None or b is None:
            a, b = (
                (numbers[-2], numbers[-1])
                if len(numbers) >= 2
                else (numbers[0], numbers[0])
                if numbers
                else (None, None)
            )
        if a is None:
            context.update(position=position, numbers=numbers, diff=None)
            return context
        old, new = _version(position, a), _version(position, b)
        context.update(
            position=position, numbers=numbers, old=old, new=new, diff=description_diff(old.snapshot, new.snapshot)
        )
        return context


def _docx_response(document, filename):
    response = HttpResponse(
        document, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = content_disposition(filename)
    return response


class PositionDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        position = visible_position(request.user, pk)
        holders = access.visible(request.user, position.holders.filter(active=True))
        subordinates = access.visible(request.user, position.subordinates.all())
        data = documents.position_document_data(position, holders=holders, subordinates=subordinates)
        return _docx_response(documents.descriptions_docx([data]), f"{position.code} {position.title} 岗位说明书.docx")


class UnitDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        from departments.models import Department

        unit = get_object_or_404(access.visible(request.user, Department.objects.all()), pk=pk)
        positions = access.visible(request.user, Position.objects.filter(department__path__startswith=unit.path))
        positions = (
            positions.select_related("department", "reports_to")
            .prefetch_related("duties", "authorities", "standards", "subordinates")
            .order_by("department__path", "order", "id")
        )
        positions = list(positions)
        versions = documents.latest_versions([p.pk for p in positions])
        seen = set(
            access.visible(request.user, Position.objects.filter(reports_to__in=positions)).values_list("pk", flat=True)
        )
        items = [
            documents.position_document_data(
                p,
                holders=None,
                subordinates=[s for s in p.subordinates.all() if s.pk in seen],
                version=versions.get(p.pk),
            )
            for p in positions
        ]
        return _docx_response(
            documents.descriptions_docx(items, title=unit.name), f"{unit.code} {unit.name} 岗位说明书.docx"
        )


class ReviewListView(LoginRequiredMixin, TemplateView):
    """Drafts waiting for this reviewer, and (for HR) every draft in progress."""

    template_name = "positions/review_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not (access.is_hr(user) or access.is_manager(user)):
            raise PermissionDenied(_("Only HR and managers review descriptions."))
        context = super().get_context_data(**kwargs)
        drafts = DescriptionDraft.objects.select_related("position", "position__department", "author")
        context["waiting"] = access.reviewable_drafts(user, drafts).order_by("submitted")
        context["in_progress"] = drafts.order_by("-updated") if access.is_hr(user) else []
        return context
