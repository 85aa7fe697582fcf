from django.db import models
from django.utils.translation import gettext_lazy as _


class RaciRole(models.TextChoices):
    """What a position does in one step of a cross-unit process."""

    RESPONSIBLE = "R", _("Responsible")
    ACCOUNTABLE = "A", _("Accountable")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")
