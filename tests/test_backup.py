"""`backup` and `restore`: everything moves, and a restored database exports the same files."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from appraisal.models import AppraisalUserPermission
from orgdesign.backup import read_manifest
from orgdesign.services import api_token_create
from positions.models import Employee
from positions.services import employee_update

ROOT = Path(__file__).resolve().parents[1]


def _manage(database_url, *args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "orgdesign.settings_test", "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a database that exists and holds nothing, of the kind the suite runs on."""
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    name = f"{database['NAME']}_restore"
    admin = psycopg2.connect(dbname="postgres", user=database["USER"], password=database.get("PASSWORD") or None,
                             host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432)  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    try:
        yield f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _data(path):
    """The rows of a backup; many-to-many ids sorted (a database lists them in no set order)."""
    with zipfile.ZipFile(path) as archive:
        rows = json.loads(archive.read("data.json"))
    for row in rows:
        for field in apps.get_model(row["model"])._meta.many_to_many:
            row["fields"][field.name] = sorted(row["fields"][field.name])
    return rows


def test_a_restored_database_holds_everything_and_exports_identical_files(seed_org_demo, tmp_path, empty_database):
    manager = Employee.objects.filter(position__code="SA-MGR").first()
    employee_update(employee=manager, user=get_user_model().objects.create_user("sa-mgr", password="pw-1-pw-1"))
    api_token_create(user=manager.user, name="sync")
    call_command("export_org", str(tmp_path / "before.xlsx"))
    call_command("backup", str(tmp_path / "backup.zip"))
    manifest = read_manifest(tmp_path / "backup.zip")
    rows = manifest["rows"]
    assert rows["positions.historicalposition"] > 0 and rows["appraisal.historicalappraisal"] > 0, "history"
    assert rows["appraisal.appraisaluserpermission"] == AppraisalUserPermission.objects.count() > 0, (
        "object permissions"
    )
    assert rows["auth.user_groups"] > 0 and rows["orgdesign.apitoken"] == 1 and "sessions.session" not in rows

    restored = _manage(empty_database, "restore", str(tmp_path / "backup.zip"))
    assert restored.returncode == 0, restored.stderr
    exported = _manage(empty_database, "export_org", str(tmp_path / "after.xlsx"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "after.xlsx").read_bytes() == (tmp_path / "before.xlsx").read_bytes()
    again = _manage(empty_database, "backup", str(tmp_path / "again.zip"))
    assert again.returncode == 0, again.stderr
    assert _data(tmp_path / "again.zip") == _data(tmp_path / "backup.zip"), "every row, key and time the same"

    refused = _manage(empty_database, "restore", str(tmp_path / "backup.zip"))
    assert refused.returncode != 0 and "The database is not empty" in refused.stderr


def test_restore_refuses_what_is_not_a_backup_and_a_database_that_holds_data(db, tmp_path):
    (tmp_path / "other.zip").write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path / "other.zip"))
    call_command("backup", str(tmp_path / "backup.zip"))
    call_command("seed_org", verbosity=0)
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(tmp_path / "backup.zip"))
    manifest = json.loads(zipfile.ZipFile(tmp_path / "backup.zip").read("manifest.json"))
    manifest["migrations"] = manifest["migrations"][:-1]
    with zipfile.ZipFile(tmp_path / "older.zip", "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", "[]")
    with pytest.raises(CommandError, match="other migrations"):
        call_command("restore", str(tmp_path / "older.zip"), replace=True)
