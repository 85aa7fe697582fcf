from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from departments.choices import DepartmentKind, MechanismKind
from orgdesign.audit import audited
from orgdesign.models import RevisedModel, TimeStampedModel
from orgdesign.services import ancestor_chain


class Department(RevisedModel):
    """A unit of the organisation tree: headquarters, department or team.

    `path` ("/1/4/9/") and `depth` are kept by the department services so that a subtree
    is one indexed prefix query at any size.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, help_text=_("Name in Chinese."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    function = models.TextField(_("function statement"), blank=True, help_text=_("What the unit is for (职能)."))
    function_en = models.TextField(_("function statement (English)"), blank=True)
    head = models.OneToOneField(
        "positions.Position",
        verbose_name=_("heading position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_department",
        help_text=_("The position that leads this unit; it must belong to the unit."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    path = models.CharField(_("tree path"), max_length=500, default="/", editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)

    history = audited(excluded_fields=["updated", "path", "depth"])

    class Meta:
        ordering = ["path", "order", "id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="department_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        chain = ancestor_chain(self, parent_field="parent", parent_id=self.parent_id)
        if chain:
            raise ValidationError(
                {"parent": _("A unit cannot be placed below itself: %(chain)s.") % {"chain": " → ".join(chain)}}
            )
        if self.head_id is not None and self.pk is not None and self.head.department_id != self.pk:
            raise ValidationError(
                {
                    "head": _("%(position)s belongs to another unit; the heading position must belong to this unit.")
                    % {"position": self.head}
                }
            )


class DepartmentDuty(TimeStampedModel):
    """A duty the unit holds as a whole rather than through one position."""

    department = models.ForeignKey(Department, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="duties")
    area = models.CharField(_("function area"), max_length=100, blank=True)
    area_en = models.CharField(_("function area (English)"), max_length=200, blank=True)
    title = models.CharField(_("short title"), max_length=100, blank=True)
    title_en = models.CharField(_("short title (English)"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = audited()

    class Meta:
        ordering = ["department", "order", "id"]
        verbose_name = _("unit duty")
        verbose_name_plural = _("unit duties")

    def __str__(self):
        return self.title or self.text[:40]


class CollaborationMechanism(TimeStampedModel):
    """How units work together: a recurring meeting, a shared platform, a process, a practice."""

    department = models.ForeignKey(
        Department, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="mechanisms"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MechanismKind.choices)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    participants = models.CharField(_("participants"), max_length=200, blank=True)
    frequency = models.CharField(_("frequency"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = audited()

    class Meta:
        ordering = ["department", "order", "id"]
        verbose_name = _("collaboration mechanism")
        verbose_name_plural = _("collaboration mechanisms")

    def __str__(self):
        return self.name
