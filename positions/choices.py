from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyCategory(models.TextChoices):
    """The three kinds of duty a description distinguishes (chapter 06 of the seed)."""

    CORE = "core", _("core")
    AUXILIARY = "auxiliary", _("auxiliary")
    TEMPORARY = "temporary", _("temporary")


class DraftState(models.TextChoices):
    """Where a description draft is in review."""

    EDITING = "editing", _("editing")
    IN_REVIEW = "in_review", _("in review")
    RETURNED = "returned", _("returned")
