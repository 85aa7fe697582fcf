from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("headquarters")
    DEPARTMENT = "department", _("department")
    TEAM = "team", _("team")


class MechanismKind(models.TextChoices):
    """Kinds of collaboration mechanism between units (chapter 01 of the seed)."""

    MEETING = "meeting", _("recurring meeting")
    PLATFORM = "platform", _("information sharing")
    PROCESS = "process", _("cross-unit process")
    CULTURE = "culture", _("teamwork and innovation")
