"""The whole database in one file, and that file restored into an empty database.

A backup is a ZIP archive of two members: `manifest.json` (format, when, the migrations the
database had, and the number of rows of every table) and `data.json`, every row of every
model with its primary key, in Django's JSON with times to the microsecond (`backup_format`):
the organisation, descriptions and their versions, appraisals, every history table, users,
roles, object permissions, API tokens, the audit trail, content types and permissions.
Sign-ins (sessions) are left out: people sign in again after a restore.

Restoring migrates the database, checks that it holds the same migrations as the backup and
no data yet, then empties every table and loads the rows with their keys, in one transaction,
and checks the row counts against the manifest. Ids are kept, so links to pages and API
resources stay valid.
"""

import datetime
import json
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

FORMAT, VERSION = "orgdesign-backup", 1
LEFT_OUT = {"sessions.session"}
# A database is empty when none of these has a row (migrations themselves create groups, bands and the policy).
ORGANISATION = ("auth.user", "departments.department", "positions.position", "positions.employee",
                "appraisal.indicator", "appraisal.appraisalcycle")  # fmt: skip


def _models():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.label_lower not in LEFT_OUT]


def _counts():
    return {model._meta.label_lower: model._base_manager.count() for model in _models()}


def _rows(label):
    """The rows of a model that a migrated, unused database does not have (guardian makes its anonymous user)."""
    rows = apps.get_model(label)._base_manager.all()
    if label == "auth.user":
        from guardian.conf import settings as guardian_settings

        rows = rows.exclude(username=guardian_settings.ANONYMOUS_USER_NAME)
    return rows


def _migrations():
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def write_backup(path):
    """Write the backup of the current database to `path`; returns the manifest."""
    with tempfile.TemporaryDirectory() as folder, transaction.atomic():  # one consistent snapshot
        data = Path(folder) / "data.json"
        call_command("dumpdata", format="backup", exclude=sorted(LEFT_OUT), all=True, output=str(data), verbosity=0)
        manifest = {
            "format": FORMAT, "version": VERSION, "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor, "migrations": _migrations(), "rows": _counts(),
        }  # fmt: skip
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=1))
            archive.write(data, "data.json")
    return manifest


def read_manifest(path):
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise CommandError(f"{path} is not a backup of this application ({error}).") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise CommandError(f"{path} is not a version {VERSION} backup of this application.")
    return manifest


def restore_backup(path, *, replace=False):
    """Load the backup at `path` into this database (migrated first); returns the manifest."""
    manifest = read_manifest(path)
    call_command("migrate", interactive=False, verbosity=0)
    ours, theirs = {tuple(m) for m in _migrations()}, {tuple(m) for m in manifest["migrations"]}
    if ours != theirs:
        newer, older = sorted(theirs - ours), sorted(ours - theirs)
        raise CommandError(
            "The backup was made with other migrations than this version has; restore it with the version that "
            f"made it. Only in the backup: {newer or 'none'}. Only here: {older or 'none'}."
        )
    if not replace:
        full = [label for label in ORGANISATION if _rows(label).exists()]
        if full:
            raise CommandError(
                f"The database is not empty ({', '.join(full)} have rows). Restore into an empty database, or pass "
                "--replace to throw its data away first."
            )
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(path) as archive:
            data = Path(archive.extract("data.json", folder)).rename(Path(folder) / "data.backup")
        with transaction.atomic():  # a failed load leaves the database as it was
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            with override_settings(SIMPLE_HISTORY_ENABLED=False):  # the history is in the backup already
                call_command("loaddata", str(data), verbosity=0)
            rows = _counts()
            wrong = {label: (rows.get(label), count) for label, count in manifest["rows"].items()
                     if rows.get(label) != count}  # fmt: skip
            if wrong:
                raise CommandError(f"The restored row counts differ from the backup's (restored, backup): {wrong}")
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest
