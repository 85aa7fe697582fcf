from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from analytics.choices import RaciRole
from orgdesign.audit import audited
from orgdesign.models import RevisedModel, TimeStampedModel


class Process(RevisedModel):
    """A process that runs across units (跨部门协作流程), step by step, with a RACI matrix.

    The process, its steps and their assignments are written together by `analytics.services`,
    which claims the process's revision: two people editing one matrix never lose a change silently.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, help_text=_("Name in Chinese."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("owning unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="processes",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    history = audited()

    class Meta:
        ordering = ["order", "code", "id"]
        verbose_name = _("cross-unit process")
        verbose_name_plural = _("cross-unit processes")

    def __str__(self):
        return self.name


class ProcessStep(TimeStampedModel):
    """One step of a process; its RACI assignments say who does, owns, advises and hears about it."""

    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200, help_text=_("Name in Chinese."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = audited()

    class Meta:
        ordering = ["process", "order", "id"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self):
        return f"{self.order}. {self.name}"


class RaciAssignment(TimeStampedModel):
    """A position's role in a step. At most one Accountable per step here; exactly one is the services' rule."""

    step = models.ForeignKey(ProcessStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="assignments")
    position = models.ForeignKey(
        "positions.Position", verbose_name=_("position"), on_delete=models.CASCADE, related_name="raci_assignments"
    )
    role = models.CharField(_("role"), max_length=1, choices=RaciRole.choices)

    history = audited()

    class Meta:
        ordering = ["step", "role", "id"]
        verbose_name = _("RACI assignment")
        verbose_name_plural = _("RACI assignments")
        constraints = [
            models.UniqueConstraint(fields=["step", "position"], name="raci_one_role_per_position_and_step"),
            models.UniqueConstraint(
                fields=["step"], condition=Q(role=RaciRole.ACCOUNTABLE), name="raci_one_accountable_per_step"
            ),
            models.CheckConstraint(condition=Q(role__in=RaciRole.values), name="raci_role_is_known"),
        ]

    def __str__(self):
        return f"{self.step} · {self.position} · {self.role}"
