"""Service helpers shared by the apps' services."""

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from orgdesign.exceptions import ConcurrentUpdate
from orgdesign.models import ApiToken, Deletion


def claim_revision(obj, expected_revision=None):
    """Move `obj` to its next revision, refusing if `expected_revision` is stale.

    The check and the increment are one conditional UPDATE, so two writers racing on the
    same revision cannot both win, on SQLite or PostgreSQL. Call inside the writer's
    transaction, before saving the other fields.
    """
    model = type(obj)
    rows = model.objects.filter(pk=obj.pk)
    if expected_revision is None:
        claimed = rows.update(revision=F("revision") + 1)
    else:
        claimed = rows.filter(revision=expected_revision).update(revision=F("revision") + 1)
    current = rows.values_list("revision", flat=True).first()
    if current is None:
        raise ValidationError(_("%(object)s no longer exists.") % {"object": obj})
    if not claimed:
        raise ConcurrentUpdate(obj, expected_revision, current)
    obj.revision = current


def ancestor_chain(obj, *, parent_field, parent_id):
    """The chain from `obj` up through `parent_id` if it leads back to `obj`, else None.

    Walks the stored parents one level per query; trees here are a few levels deep. A
    chain that is already broken elsewhere stops the walk instead of looping.
    """
    if obj.pk is None or parent_id is None:
        return None
    model = type(obj)
    chain_ids = []
    seen = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == obj.pk:
            labels = {o.pk: str(o) for o in model.objects.filter(pk__in=chain_ids)}
            return [str(obj)] + [labels[pk] for pk in chain_ids] + [str(obj)]
        seen.add(current)
        chain_ids.append(current)
        current = model.objects.filter(pk=current).values_list(f"{parent_field}_id", flat=True).first()
    return None


def assign_fields(instance, allowed, fields):
    """Set `fields` on `instance`, refusing any name outside `allowed`."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def record_deletion(obj, *, resource):
    """Remember that `obj` is gone, for `GET /api/v1/changes/`. Call before deleting it."""
    Deletion.objects.create(resource=resource, object_id=obj.pk, code=getattr(obj, "code", "") or "")


def api_token_digest(key):
    """What is stored of a key: its SHA-256, hex. A key is 160 random bits, so no slow hash is needed."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user, name="", read_only=False):
    """Issue a new API token to `user`, who asked for it (the admin, the token endpoint, the command).

    The returned token carries its key in clear as `.key`, this once: only the digest is stored.
    Keys look as they always have (40 hex digits), so systems that keep them need no change.
    """
    key = secrets.token_hex(20)
    token = ApiToken(
        user=user, name=name, read_only=read_only, prefix=key[: ApiToken.PREFIX_LENGTH], digest=api_token_digest(key)
    )
    token.full_clean()
    token.save()
    token.key = key
    return token


def api_token_authenticate(key):
    """The token whose key `key` is, with its user, or None; digests are compared in constant time."""
    if len(key) <= ApiToken.PREFIX_LENGTH:
        return None
    digest = api_token_digest(key)
    found = None
    for token in ApiToken.objects.select_related("user").filter(prefix=key[: ApiToken.PREFIX_LENGTH]):
        if hmac.compare_digest(token.digest, digest):
            found = token
    return found
