"""Model pieces shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and last-change times; `updated` drives incremental sync."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class RevisedModel(TimeStampedModel):
    """A record that people edit concurrently.

    `revision` grows by one on every write made through a service; a writer states the
    revision it read and the write is refused if somebody else wrote in between
    (optimistic locking; the API exposes it as the ETag).
    """

    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        abstract = True
