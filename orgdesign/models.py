"""Model pieces shared by every app."""

from django.conf import settings
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


class ApiToken(models.Model):
    """An API key of a user, for another system or their own script; a read-only one may never write.

    Only the key's SHA-256 digest is stored: the key itself is shown once, to its owner, when the
    token is made (`orgdesign.services.api_token_create`). Its first characters, `prefix`, are kept
    in clear to tell tokens apart and to find the token of a key.
    """

    PREFIX_LENGTH = 8

    prefix = models.CharField(
        _("key prefix"), max_length=PREFIX_LENGTH, db_index=True, editable=False,
        help_text=_("The first characters of the key, to tell tokens apart."),
    )  # fmt: skip
    digest = models.CharField(_("key digest"), max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the token is for."))
    read_only = models.BooleanField(_("read-only"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        kind = _("read-only") if self.read_only else _("read-write")
        return f"{self.name or self.user} ({self.prefix}…, {kind})"


class Deletion(models.Model):
    """A record that an object was deleted, so mirrors pulling changes can delete it too."""

    resource = models.CharField(_("resource"), max_length=32, db_index=True)
    object_id = models.BigIntegerField(_("object id"))
    code = models.CharField(_("code"), max_length=64, blank=True)
    deleted = models.DateTimeField(_("deleted"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["deleted", "id"]
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")

    def __str__(self):
        return f"{self.resource} {self.object_id}"
