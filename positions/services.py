"""Every write to positions, their descriptions and employees goes through these functions.

The admin, the API, imports and management commands all call them, so each rule holds
whichever way a change comes in.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgdesign import grants
from orgdesign.choices import ChangeSource
from orgdesign.exceptions import ConcurrentUpdate, Conflict
from orgdesign.services import assign_fields, claim_revision, record_deletion
from orgdesign.text import refuse_control_characters
from positions.choices import DraftState
from positions.models import Authority, DescriptionDraft, DescriptionVersion, Duty, Employee, Position, WorkStandard
from positions.selectors import description_snapshot, draft_editor_ids, draft_snapshot

POSITION_FIELDS = (
    "code",
    "title",
    "title_en",
    "department",
    "reports_to",
    "grade",
    "headcount",
    "is_key",
    "purpose",
    "purpose_en",
    "order",
)
EMPLOYEE_FIELDS = ("employee_no", "name", "name_en", "email", "user", "position", "start_date", "active")


@transaction.atomic
def position_save(*, position, expected_revision=None):
    """Validate and store a new or changed position (not its description parts).

    Refuses reporting cycles (naming the chain), a headcount below the current holders,
    and a stale `expected_revision`.
    """
    position.full_clean()
    before = Position.objects.filter(pk=position.pk).values_list("reports_to_id", flat=True).first()
    if position.pk is not None:
        claim_revision(position, expected_revision)
    position.save()
    if position.pk is not None and before != position.reports_to_id:
        old_superior = Position.objects.filter(pk=before).first()
        grants.follow_organisation(positions=[position] + ([old_superior] if old_superior else []))
    return position


def position_create(**fields):
    position = Position()
    assign_fields(position, POSITION_FIELDS, fields)
    return position_save(position=position)


def position_update(*, position, expected_revision=None, **fields):
    assign_fields(position, POSITION_FIELDS, fields)
    return position_save(position=position, expected_revision=expected_revision)


@transaction.atomic
def position_delete(*, position, expected_revision=None):
    """Delete a position nobody reports to and nobody holds; otherwise refuse (409)."""
    if position.subordinates.exists():
        raise Conflict(
            _("Other positions report to %(position)s; give them a new superior first.") % {"position": position}
        )
    if position.holders.exists():
        raise Conflict(
            _("%(position)s still has holders; move them to another position first.") % {"position": position}
        )
    claim_revision(position, expected_revision)
    record_deletion(position, resource="positions")
    superior = position.reports_to
    position.delete()
    if superior is not None:
        grants.follow_organisation(positions=[superior])


@transaction.atomic
def description_publish(*, position, user=None, reviewer=None, source=ChangeSource.ADMIN, note=""):
    """Record the position's current description as its next version, if it changed.

    Call after the description parts are written, in the same transaction. Returns the
    new `DescriptionVersion`, or None when the description equals the latest version.
    """
    position = (
        Position.objects.select_related("department", "reports_to")
        .prefetch_related("duties", "authorities", "standards")
        .get(pk=position.pk)
    )
    snapshot = description_snapshot(position)
    latest = position.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return None
    return DescriptionVersion.objects.create(
        position=position,
        number=(latest.number if latest else 0) + 1,
        snapshot=snapshot,
        author=user,
        reviewer=reviewer,
        source=source,
        note=note,
    )


@transaction.atomic
def employee_save(*, employee, expected_revision=None):
    """Validate and store a person. A position holds at most its planned headcount of active people."""
    if employee.position_id is not None:
        # Serialise hires into the same position so two cannot take its last seat at once.
        Position.objects.select_for_update().filter(pk=employee.position_id).first()
    employee.full_clean()
    before = Employee.objects.filter(pk=employee.pk).values("position_id", "active", "user_id").first()
    if employee.pk is not None:
        claim_revision(employee, expected_revision)
    employee.save()
    now = {"position_id": employee.position_id, "active": employee.active, "user_id": employee.user_id}
    if before != now:
        old_position = Position.objects.filter(pk=(before or {}).get("position_id")).first()
        grants.follow_organisation(employees=[employee], positions=[old_position] if old_position else [])
        if before and before["user_id"] not in (None, employee.user_id):
            grants.forget_login(before["user_id"])
    return employee


def employee_create(**fields):
    employee = Employee()
    assign_fields(employee, EMPLOYEE_FIELDS, fields)
    return employee_save(employee=employee)


def employee_update(*, employee, expected_revision=None, **fields):
    assign_fields(employee, EMPLOYEE_FIELDS, fields)
    return employee_save(employee=employee, expected_revision=expected_revision)


@transaction.atomic
def employee_delete(*, employee, expected_revision=None):
    claim_revision(employee, expected_revision)
    record_deletion(employee, resource="employees")
    position = employee.position
    employee.delete()
    if position is not None:
        grants.follow_organisation(positions=[position])


def _reconcile(position, model, items, what):
    """Make `position`'s parts of one kind equal `items`, keeping the ids of those that stay.

    Errors name the part as `what[index].field`, for example `duties[2].text`.
    """
    by_id = {part.pk: part for part in model.objects.filter(position=position)}
    kept, errors = [], {}
    for index, item in enumerate(items):
        item = dict(item)
        part_id = item.pop("id", None)
        if part_id is not None and part_id not in by_id:
            errors[f"{what}[{index}].id"] = [_("No part with id %(id)s belongs to this position.") % {"id": part_id}]
            continue
        part = by_id.get(part_id) or model(position=position)
        item.setdefault("order", index + 1)
        for name, value in item.items():
            setattr(part, name, value)
        try:
            part.full_clean(exclude=["position"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{what}[{index}].{field}"] = messages
        kept.append(part)
    if errors:
        raise ValidationError(errors)
    model.objects.filter(position=position).exclude(pk__in=[part.pk for part in kept if part.pk]).delete()
    for part in kept:
        part.save()
    return kept


@transaction.atomic
def description_parts_replace(*, position, duties=None, authorities=None, standards=None):
    """Replace the given kinds of description part; a part with an `id` is changed in place.

    A work standard names its duty by `duty_index`, the place of that duty in `duties`
    (or, when `duties` is not given, in the position's current duties).
    """
    saved_duties = _reconcile(position, Duty, duties, "duties") if duties is not None else list(position.duties.all())
    if authorities is not None:
        _reconcile(position, Authority, authorities, "authorities")
    if standards is not None:
        items = []
        for index, item in enumerate(standards):
            item = dict(item)
            duty_index = item.pop("duty_index", None)
            if duty_index is not None and not 0 <= duty_index < len(saved_duties):
                message = _("There is no duty number %(index)s; the description has %(count)s duties, counted from 0.")
                raise ValidationError(
                    {f"standards[{index}].duty_index": [message % {"index": duty_index, "count": len(saved_duties)}]}
                )
            item["duty"] = saved_duties[duty_index] if duty_index is not None else None
            items.append(item)
        _reconcile(position, WorkStandard, items, "standards")


@transaction.atomic
def position_write(
    *, position=None, fields, parts=None, expected_revision=None, user=None, source=ChangeSource.API, reviewer=None
):
    """Create or change a position and, in the same transaction, the parts of its description.

    A direct write is a publication: if the description changed, it is recorded as the
    next version. Nothing is saved when any part is refused.
    """
    position = position or Position()
    assign_fields(position, POSITION_FIELDS, fields)
    position_save(position=position, expected_revision=expected_revision)
    if parts:
        description_parts_replace(position=position, **parts)
    description_publish(position=position, user=user, reviewer=reviewer, source=source)
    return position


# --- description drafts and review ----------------------------------------------------------

PART_FIELDS = {
    "duties": ("id", "category", "title", "title_en", "text", "text_en"),
    "authorities": ("id", "text", "text_en"),
    "standards": ("id", "measure", "measure_en", "target", "unit", "duty_index"),
}


def _published_content(position):
    """The published description as draft content (part ids kept, so approval changes parts in place)."""
    snapshot = description_snapshot(position, with_ids=True)
    standards = [
        {**{k: v for k, v in s.items() if k != "duty"}, "duty_index": s["duty"]} for s in snapshot["standards"]
    ]
    return {
        "purpose": snapshot["purpose"],
        "purpose_en": snapshot["purpose_en"],
        "duties": snapshot["duties"],
        "authorities": snapshot["authorities"],
        "standards": standards,
    }


def _clean_content(position, content):
    """Check draft content part by part with the models' own rules; errors are named `duties[2].text`."""
    errors, clean = (
        {},
        {"purpose": str(content.get("purpose") or ""), "purpose_en": str(content.get("purpose_en") or "")},
    )
    for name in ("purpose", "purpose_en"):
        try:
            Position._meta.get_field(name).run_validators(clean[name])
        except ValidationError as error:
            errors[name] = error.messages
    models = {"duties": Duty, "authorities": Authority, "standards": WorkStandard}
    for kind, model in models.items():
        items = content.get(kind) or []
        if not isinstance(items, list):
            errors[kind] = [_("Expected a list.")]
            continue
        clean[kind] = []
        # A part keeps its id only while it still belongs to this position; any other id (a part
        # removed since the draft began, or one of another position) makes it a new part.
        own_ids = set(model.objects.filter(position=position).values_list("id", flat=True))
        seen_ids = set()
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                errors[f"{kind}[{index}]"] = [_("Expected an object.")]
                continue
            values = {name: item.get(name) for name in PART_FIELDS[kind] if name in item}
            if values.get("id") not in own_ids:
                values.pop("id", None)
            elif values["id"] in seen_ids:
                errors[f"{kind}[{index}].id"] = [_("This part appears twice in the description.")]
            else:
                seen_ids.add(values["id"])
            probe = model(position=position, **{k: v for k, v in values.items() if k not in ("id", "duty_index")})
            try:
                probe.full_clean(exclude=["position", "duty", "order"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors[f"{kind}[{index}].{field}"] = messages
            if kind == "standards" and values.get("target") is not None and not errors.get(f"{kind}[{index}].target"):
                values["target"] = probe.target
            clean[kind].append(values)
    duty_count = len(clean.get("duties", []))
    for index, standard in enumerate(clean.get("standards", [])):
        duty_index = standard.get("duty_index")
        if duty_index is not None and (not isinstance(duty_index, int) or not 0 <= duty_index < duty_count):
            errors[f"standards[{index}].duty_index"] = [
                _("There is no duty number %(index)s; the description has %(count)s duties, counted from 0.")
                % {"index": duty_index, "count": duty_count}
            ]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def description_draft_start(*, position, user=None, new_only=False):
    """The position's draft, started from the published description if there is none yet.

    With `new_only`, an existing draft is a conflict: the caller's copy was the published one,
    and someone else has started a draft since.
    """
    existing = DescriptionDraft.objects.filter(position=position).first()
    if existing is not None:
        if new_only:
            raise ConcurrentUpdate(existing, "new", existing.revision)
        return existing
    latest = position.versions.order_by("-number").values_list("number", flat=True).first()
    return DescriptionDraft.objects.create(
        position=position, content=_published_content(position), author=user, base_version=latest
    )


def _locked_draft(draft, *related):
    """The draft row locked for this transaction; gone (approved or discarded meanwhile) is a conflict."""
    try:
        return DescriptionDraft.objects.select_for_update().select_related(*related).get(pk=draft.pk)
    except DescriptionDraft.DoesNotExist:
        raise Conflict(_("The draft was approved or discarded meanwhile; reload the page.")) from None


def draft_is_behind(draft):
    """The latest published version number if one was published after the draft began, else None."""
    latest = draft.position.versions.order_by("-number").values_list("number", flat=True).first()
    return latest if latest is not None and latest != draft.base_version else None


@transaction.atomic
def description_draft_save(*, draft, content, expected_revision=None, user=None):
    """Save the working copy. Refused while it is in review, and when someone saved it since (stale revision)."""
    draft = _locked_draft(draft)
    if draft.state == DraftState.IN_REVIEW:
        raise Conflict(_("The draft is in review; the reviewer approves or returns it before it changes again."))
    clean = _clean_content(draft.position, content)
    claim_revision(draft, expected_revision)
    if draft.state == DraftState.RETURNED:
        draft.mark_editing()
    draft.content = _jsonable(clean)
    draft.author = user or draft.author
    draft.save()
    return draft


def _jsonable(content):
    return {
        key: [{k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in item.items()} for item in value]
        if isinstance(value, list)
        else value
        for key, value in content.items()
    }


def _draft_step(draft, method):
    from django_fsm import TransitionNotAllowed

    try:
        getattr(draft, method)()
    except TransitionNotAllowed as error:
        raise Conflict(
            _("The draft is %(state)s; that step is not possible now.") % {"state": draft.get_state_display()}
        ) from error


@transaction.atomic
def description_draft_submit(*, draft, expected_revision=None):
    """Hand the draft to a reviewer; it must be valid as it stands."""
    draft = _locked_draft(draft)
    _clean_content(draft.position, draft.content)
    position = (
        Position.objects.select_related("department", "reports_to")
        .prefetch_related("duties", "authorities", "standards")
        .get(pk=draft.position_id)
    )
    published = description_snapshot(position)
    if draft_snapshot(published, draft.content) == published:
        raise Conflict(_("The draft does not change the published description; there is nothing to review."))
    _draft_step(draft, "mark_submitted")
    claim_revision(draft, expected_revision)
    draft.submitted = timezone.now()
    draft.review_comment = ""
    draft.save()
    return draft


@transaction.atomic
def description_draft_return(*, draft, reviewer, comment, expected_revision=None):
    """Send the draft back to its author with a comment saying what to change."""
    refuse_control_characters(comment=comment)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what should change; the comment goes back to the author.")})
    draft = _locked_draft(draft)
    _draft_step(draft, "mark_returned")
    claim_revision(draft, expected_revision)
    draft.review_comment = comment.strip()
    draft.save()
    return draft


@transaction.atomic
def description_draft_approve(
    *, draft, reviewer, expected_revision=None, source=ChangeSource.UI, over_newer_version=False
):
    """Publish the draft as the next version (author and reviewer recorded) and remove the draft.

    The reviewer must be someone who did not edit the draft. If a version was published after
    the draft began (say through the API), approval is refused unless `over_newer_version`.
    """
    draft = _locked_draft(draft, "position")
    if draft.state != DraftState.IN_REVIEW:
        raise Conflict(_("Only a draft in review can be approved."))
    if reviewer is not None and reviewer.pk in draft_editor_ids(draft):
        raise Conflict(_("Someone other than the author approves a description."))
    claim_revision(draft, expected_revision)
    behind = draft_is_behind(draft)
    if behind is not None and not over_newer_version:
        raise Conflict(
            _(
                "Version %(number)s was published after this draft began; approving it would undo that change. "
                "Compare them and approve again to publish the draft over it, or return it to the author."
            )
            % {"number": behind}
        )
    clean = _clean_content(draft.position, draft.content)
    position = draft.position
    position_write(
        position=position,
        fields={"purpose": clean["purpose"], "purpose_en": clean["purpose_en"]},
        parts={kind: clean[kind] for kind in ("duties", "authorities", "standards")},
        user=draft.author,
        source=source,
        reviewer=reviewer,
    )
    draft.delete()
    return position.versions.order_by("-number").first()


@transaction.atomic
def description_draft_discard(*, draft, expected_revision=None):
    """Throw the working copy away; the published description stays as it is."""
    draft = _locked_draft(draft)
    if draft.state == DraftState.IN_REVIEW:
        raise Conflict(_("The draft is in review; the reviewer approves or returns it before it can be discarded."))
    claim_revision(draft, expected_revision)
    draft.delete()
