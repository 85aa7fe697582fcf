from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from orgdesign.audit import audited
from orgdesign.choices import ChangeSource
from orgdesign.models import RevisedModel, TimeStampedModel
from orgdesign.services import ancestor_chain
from positions.choices import DraftState, DutyCategory


class Position(RevisedModel):
    """A seat in the organisation: its place (unit, superior) and its published description.

    The description parts (duties, authorities, work standards) hang off the position as
    the published version; every publication is also kept as a `DescriptionVersion`.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=100, help_text=_("Title in Chinese."))
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    department = models.ForeignKey(
        "departments.Department", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        help_text=_("The direct superior's position."),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    headcount = models.PositiveIntegerField(_("planned headcount"), default=1)
    is_key = models.BooleanField(_("key position"), default=False)
    purpose = models.TextField(_("purpose"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = audited()

    class Meta:
        ordering = ["department__path", "order", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gte=0), name="position_headcount_not_negative"),
            models.CheckConstraint(condition=~Q(reports_to=F("id")), name="position_not_own_superior"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        chain = ancestor_chain(self, parent_field="reports_to", parent_id=self.reports_to_id)
        if chain:
            raise ValidationError(
                {
                    "reports_to": _("A position cannot report to itself or to anyone below it: %(chain)s.")
                    % {"chain": " → ".join(chain)}
                }
            )
        if self.pk is not None and self.headcount is not None:
            filled = Employee.objects.filter(position=self, active=True).count()
            if filled > self.headcount:
                raise ValidationError(
                    {
                        "headcount": _(
                            "%(filled)s people hold this position now; the planned headcount cannot be lower."
                        )
                        % {"filled": filled}
                    }
                )


class DescriptionPart(TimeStampedModel):
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "order", "id"]


class Duty(DescriptionPart):
    """One duty of a position: core, auxiliary or temporary, in the order HR gives."""

    position = models.ForeignKey(Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="duties")
    category = models.CharField(_("category"), max_length=16, choices=DutyCategory.choices, default=DutyCategory.CORE)
    title = models.CharField(_("short title"), max_length=100, blank=True)
    title_en = models.CharField(_("short title (English)"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)

    history = audited()

    class Meta(DescriptionPart.Meta):
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self):
        return self.title or self.text[:40]


class Authority(DescriptionPart):
    """The scope of a decision the position may take on its own."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="authorities"
    )
    text = models.TextField(_("scope of decision"))
    text_en = models.TextField(_("scope of decision (English)"), blank=True)

    history = audited()

    class Meta(DescriptionPart.Meta):
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self):
        return self.text[:40]


class WorkStandard(DescriptionPart):
    """A specific, measurable standard of the work: what is measured, the target and its unit."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="standards"
    )
    measure = models.CharField(_("what is measured"), max_length=200)
    measure_en = models.CharField(_("what is measured (English)"), max_length=300, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    duty = models.ForeignKey(
        Duty, verbose_name=_("duty"), null=True, blank=True, on_delete=models.SET_NULL, related_name="standards"
    )

    history = audited()

    class Meta(DescriptionPart.Meta):
        verbose_name = _("work standard")
        verbose_name_plural = _("work standards")

    def __str__(self):
        return self.measure

    def clean(self):
        if self.duty_id is not None and self.position_id is not None and self.duty.position_id != self.position_id:
            raise ValidationError({"duty": _("The linked duty belongs to another position.")})


class DescriptionVersion(models.Model):
    """An immutable snapshot of a published description, numbered 1, 2, 3 … per position.

    Every publication writes one, whether it came through review or as a direct write by
    HR (admin, API, import), so the version list is the complete story of a description.
    """

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=16, choices=ChangeSource.choices)
    note = models.TextField(_("note"), blank=True)
    published = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["position", "-number"]
        verbose_name = _("description version")
        verbose_name_plural = _("description versions")
        constraints = [
            models.UniqueConstraint(fields=["position", "number"], name="description_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.position} v{self.number}"


class Employee(RevisedModel):
    """A person in the organisation, optionally with a login, holding at most one position."""

    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.PROTECT, related_name="holders"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = audited()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self):
        return f"{self.name} ({self.employee_no})"

    def clean(self):
        if self.active and self.position_id is not None:
            position = Position.objects.filter(pk=self.position_id).only("headcount", "title").first()
            others = Employee.objects.filter(position_id=self.position_id, active=True).exclude(pk=self.pk).count()
            if position is not None and others + 1 > position.headcount:
                raise ValidationError(
                    {
                        "position": _("%(position)s is full: %(filled)s of %(planned)s planned seats are taken.")
                        % {"position": position.title, "filled": others, "planned": position.headcount}
                    }
                )


class DescriptionDraft(RevisedModel):
    """HR's working copy of a position's description, beside the published one until approved.

    `content` has the shape of a version snapshot's editable parts: purpose, purpose_en,
    duties, authorities and standards (a standard names its duty by index). Approval
    publishes it as the next `DescriptionVersion` and removes the draft.
    """

    position = models.OneToOneField(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="draft"
    )
    content = models.JSONField(_("content"))
    state = FSMField(_("state"), max_length=16, choices=DraftState.choices, default=DraftState.EDITING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    submitted = models.DateTimeField(_("submitted"), null=True, blank=True)
    base_version = models.PositiveIntegerField(
        _("started from version"), null=True, blank=True,
        help_text=_("The published version the draft began from; approval warns when a newer one exists."),
    )  # fmt: skip
    review_comment = models.TextField(_("review comment"), blank=True)

    history = audited()

    class Meta:
        verbose_name = _("description draft")
        verbose_name_plural = _("description drafts")

    def __str__(self):
        return f"{self.position} ({self.get_state_display()})"

    @transition(field=state, source=[DraftState.EDITING, DraftState.RETURNED], target=DraftState.IN_REVIEW)
    def mark_submitted(self):
        """State change only; `description_draft_submit` does the work."""

    @transition(field=state, source=DraftState.IN_REVIEW, target=DraftState.RETURNED)
    def mark_returned(self):
        """State change only; `description_draft_return` does the work."""

    @transition(field=state, source=DraftState.RETURNED, target=DraftState.EDITING)
    def mark_editing(self):
        """State change only: a returned draft is edited again."""
