"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeSource(models.TextChoices):
    """Where a write came from; recorded with description versions (and later the audit trail)."""

    ADMIN = "admin", _("admin")
    UI = "ui", _("browser")
    API = "api", _("API")
    IMPORT = "import", _("import")
    COMMAND = "command", _("command")
