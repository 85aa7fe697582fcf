"""Nobody acts as someone else: tokens are their owner's own, kept hashed, and the trail names the real actor."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orgdesign.access import API_READER, HR_ADMIN
from orgdesign.models import ApiToken
from orgdesign.services import api_token_create
from positions.models import Position
from tests.access.conftest import PASSWORD
from tests.factories import make_position, make_unit
from tests.test_backup import empty_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hr_admin(hr):
    client = Client()
    client.force_login(hr)
    return client


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _stored_text(token):
    """Every value of the token's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table} WHERE id = %s", [token.pk])
        return " ".join(str(value) for value in cursor.fetchone())


# --- keys are kept hashed ----------------------------------------------------------------------


def test_a_key_is_shown_once_and_stored_only_as_a_digest(rep):
    token = api_token_create(user=rep, name="script")
    assert len(token.key) == 40 and token.prefix == token.key[:8]
    assert token.key not in _stored_text(token)
    assert ApiToken.objects.get(pk=token.pk).digest == hashlib.sha256(token.key.encode()).hexdigest()
    assert not hasattr(ApiToken.objects.get(pk=token.pk), "key")
    assert _api(token.key).get("/api/v1/departments/").status_code == 200


def test_a_wrong_key_is_refused_even_with_a_known_prefix(rep):
    token = api_token_create(user=rep)
    for key in (token.prefix + "0" * 32, token.prefix, token.key + "0", "", token.key.upper()):
        response = _api(key).get("/api/v1/departments/")
        assert response.status_code == 401, key
    assert _api(token.key).get("/api/v1/departments/").status_code == 200


def test_a_token_of_an_inactive_user_is_refused(rep):
    key = api_token_create(user=rep).key
    rep.is_active = False
    rep.save()
    assert _api(key).get("/api/v1/departments/").json()["detail"] == "User inactive or deleted."


def test_read_only_tokens_still_refuse_writes(rep):
    rep.groups.add(Group.objects.get(name=HR_ADMIN))
    reader = _api(api_token_create(user=rep, read_only=True).key)
    assert reader.get("/api/v1/departments/").status_code == 200
    assert reader.post("/api/v1/departments/", {"code": "N", "name": "新"}, format="json").status_code == 403


def test_the_token_endpoint_issues_a_new_login_token_each_call(rep):
    anonymous = APIClient()
    keys = [
        anonymous.post("/api/v1/auth/token/", {"username": "rep", "password": PASSWORD}, format="json").json()["token"]
        for _call in range(2)
    ]
    assert keys[0] != keys[1]
    tokens = ApiToken.objects.filter(user=rep)
    assert sorted(tokens.values_list("name", "read_only")) == [("login", False), ("login", False)]
    assert all(key not in _stored_text(token) for key in keys for token in tokens)


def test_existing_plain_keys_are_hashed_by_the_migration_and_keep_working(empty_database):  # noqa: F811
    """Migrate a database to the plain-key tokens, add two and an admin log entry naming one, then migrate on."""
    keys = ["0123456789abcdef0123456789abcdef01234567", "f" * 40]
    script = f"""
import json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
call_command("migrate", "admin", verbosity=0)
call_command("migrate", "orgdesign", "0002", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(
    [("orgdesign", "0002_roles"), ("admin", "0003_logentry_add_action_flag_choices")]).apps
user = old.get_model("auth", "User").objects.create(username="sync", is_active=True)
for key, read_only in zip({keys!r}, [False, True]):
    old.get_model("orgdesign", "ApiToken").objects.create(key=key, user=user, name="sync", read_only=read_only)
content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="orgdesign",
                                                                                   model="apitoken")[0]
old.get_model("admin", "LogEntry").objects.create(user=user, content_type=content_type, object_id={keys[0]!r},
                                                  object_repr="sync", action_flag=1, change_message="[]")
call_command("migrate", verbosity=0)
from django.contrib.admin.models import LogEntry
from orgdesign.models import ApiToken
from orgdesign.services import api_token_authenticate
with connection.cursor() as cursor:
    cursor.execute("SELECT * FROM orgdesign_apitoken")
    stored = repr(cursor.fetchall())
    cursor.execute("SELECT object_id, object_repr, change_message FROM django_admin_log")
    logged = repr(cursor.fetchall())
found = [api_token_authenticate(key) for key in {keys!r}]
print(json.dumps({{
    "found": [(t.user.username, t.read_only, t.prefix) for t in found],
    "stored": stored, "logged": logged,
    "log_ids": list(LogEntry.objects.values_list("object_id", flat=True)),
    "first_id": str(found[0].pk),
}}))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "orgdesign.settings_test", "DATABASE_URL": empty_database}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["found"] == [["sync", False, keys[0][:8]], ["sync", True, keys[1][:8]]]
    assert all(key not in outcome["stored"] and key not in outcome["logged"] for key in keys)
    assert outcome["log_ids"] == [outcome["first_id"]], "the log now names the token by its new id"


# --- only the owner makes a token --------------------------------------------------------------


def test_in_the_admin_a_new_token_is_always_the_signed_in_users_and_its_key_is_shown_once(hr_admin, hr, rep):
    add = reverse("admin:orgdesign_apitoken_add")
    form = hr_admin.get(add).content.decode()
    assert 'name="user"' not in form
    response = hr_admin.post(add, {"name": "for rep", "read_only": "on", "user": rep.pk})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="for rep")
    assert token.user == hr and token.read_only, "the user field is ignored: HR made a token for themselves"
    assert not ApiToken.objects.filter(user=rep).exists()
    key = response.context["key"]
    assert key in response.content.decode() and "will not be shown again" in response.content.decode()
    assert _api(key).get("/api/v1/departments/").status_code == 200
    pages = [
        hr_admin.get(reverse("admin:orgdesign_apitoken_changelist")),
        hr_admin.get(reverse("admin:orgdesign_apitoken_change", args=[token.pk])),
        hr_admin.get(reverse("admin:orgdesign_apitoken_history", args=[token.pk])),
        hr_admin.get(reverse("admin:index")),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert all(key not in page.content.decode() for page in pages)
    assert token.prefix in pages[0].content.decode(), "the list tells tokens apart by their prefix"
    entries = LogEntry.objects.filter(object_id=str(token.pk))
    assert entries.exists()
    assert all(key not in f"{e.object_id} {e.object_repr} {e.change_message}" for e in LogEntry.objects.all())


def test_hr_revokes_anyones_token_but_cannot_change_it(hr_admin, rep):
    token = api_token_create(user=rep, name="rep's script", read_only=True)
    change = reverse("admin:orgdesign_apitoken_change", args=[token.pk])
    page = hr_admin.get(change)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert hr_admin.post(change, {"name": "renamed", "read_only": ""}).status_code == 403
    token.refresh_from_db()
    assert (token.name, token.read_only) == ("rep's script", True)
    response = hr_admin.post(reverse("admin:orgdesign_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _api(token.key).get("/api/v1/departments/").status_code == 401


def test_the_owner_renames_their_own_token(hr_admin, hr):
    token = api_token_create(user=hr, name="old")
    response = hr_admin.post(reverse("admin:orgdesign_apitoken_change", args=[token.pk]), {"name": "new"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.name, token.read_only, token.user) == ("new", False, hr)


# --- only superusers grant superuser status, HR admin and permissions ----------------------------


def _user_form(user, **changes):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "is_active": "on", "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00", "groups": [g.pk for g in user.groups.all()],
    }  # fmt: skip
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return data


def _grants(user):
    user.refresh_from_db()
    return user.is_superuser, sorted(user.groups.values_list("name", flat=True)), user.user_permissions.count()


def test_hr_does_not_see_the_superuser_flag_or_permissions_or_the_hr_group(hr_admin, rep):
    page = hr_admin.get(reverse("admin:auth_user_change", args=[rep.pk]))
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert HR_ADMIN not in [group.name for group in form.fields["groups"].queryset]
    assert API_READER in [group.name for group in form.fields["groups"].queryset]


def test_hr_cannot_make_anyone_superuser_or_hr_or_give_permissions_by_posting_them(hr_admin, hr, rep):
    change = reverse("admin:auth_user_change", args=[rep.pk])
    permission = Permission.objects.get(codename="view_appraisal")
    hr_group = Group.objects.get(name=HR_ADMIN)
    reader = Group.objects.get(name=API_READER)
    hr_admin.post(change, _user_form(rep, is_superuser="on", user_permissions=[permission.pk]))
    hr_admin.post(change, _user_form(rep, groups=[hr_group.pk]))
    assert _grants(rep) == (False, [], 0)
    assert hr_admin.post(change, _user_form(rep, groups=[reader.pk], is_superuser="on")).status_code == 302
    assert _grants(rep) == (False, [API_READER], 0), "the rest of the form saves"
    mine = reverse("admin:auth_user_change", args=[hr.pk])
    response = hr_admin.post(mine, _user_form(hr, is_superuser="on", groups=[reader.pk]))
    assert response.status_code == 302
    assert _grants(hr) == (False, [API_READER, HR_ADMIN], 0), "not themselves either; their HR membership stays"


def test_the_save_itself_refuses_what_the_form_does_not_offer(hr, rep, rf):
    """The server-side check behind the form: a save that would grant HR admin is refused and undone."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    user_admin = admin.site._registry[get_user_model()]
    request = rf.post("/")
    request.user = hr
    form_class = user_admin.get_form(request, rep, change=True)
    form = form_class(_user_form(rep), instance=rep)
    assert form.is_valid(), form.errors
    user = user_admin.save_form(request, form, change=True)
    user_admin.save_model(request, user, form, True)
    user.is_superuser = True  # as if something past the form had set it
    user.save()
    with pytest.raises(PermissionDenied):
        user_admin.save_related(request, form, [], True)


def test_hr_cannot_change_a_superuser_or_another_hr_admin(hr_admin, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    colleague = django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    colleague.groups.add(Group.objects.get(name=HR_ADMIN))
    for user in (boss, colleague):
        assert hr_admin.post(reverse("admin:auth_user_change", args=[user.pk]), _user_form(user)).status_code == 403
        password = reverse("admin:auth_user_password_change", args=[user.pk])
        assert hr_admin.post(password, {"password1": "taken-over-1", "password2": "taken-over-1"}).status_code == 403
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_hr_cannot_change_what_a_group_grants(hr_admin):
    reader = Group.objects.get(name=API_READER)
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = hr_admin.post(reverse("admin:auth_group_change", args=[reader.pk]),
                             {"name": API_READER, "permissions": everything})  # fmt: skip
    assert response.status_code == 403
    assert hr_admin.get(reverse("admin:auth_group_add")).status_code == 403
    assert reader.permissions.count() < len(everything)


def test_a_superuser_grants_hr_admin(client, django_user_model, rep):
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    client.force_login(boss)
    hr_group = Group.objects.get(name=HR_ADMIN)
    response = client.post(reverse("admin:auth_user_change", args=[rep.pk]), _user_form(rep, groups=[hr_group.pk]))
    assert response.status_code == 302
    assert _grants(rep) == (False, [HR_ADMIN], 0)


# --- the trail names the real actor ------------------------------------------------------------


def _latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def test_a_change_through_a_token_is_recorded_with_the_tokens_owner(hr, django_user_model):
    other_hr = django_user_model.objects.create_user("other_hr", password=PASSWORD)
    other_hr.groups.add(Group.objects.get(name=HR_ADMIN))
    position = make_position(department=make_unit())
    for owner, title in [(hr, "甲"), (other_hr, "乙")]:
        response = _api(api_token_create(user=owner, name="sync").key).patch(
            f"/api/v1/positions/{position.pk}/", {"title": title}, format="json"
        )
        assert response.status_code == 200, response.json()
        row = _latest(Position, position.pk)
        assert (row.history_user, row.history_source, row.title) == (owner, "api", title)


def test_a_change_in_the_admin_is_recorded_with_the_admin_user(hr_admin, hr):
    position = make_position(department=make_unit())
    page = hr_admin.get(reverse("admin:positions_position_change", args=[position.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({name: [v.pk if hasattr(v, "pk") else v for v in value] for name, value in data.items()
                 if isinstance(value, list)})  # fmt: skip
    data.update(title="在后台改名", revision_seen=position.revision, department=position.department_id)
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data = {name: "on" if value is True else value for name, value in data.items() if value is not False}
    response = hr_admin.post(reverse("admin:positions_position_change", args=[position.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    row = _latest(Position, position.pk)
    assert (row.history_user, row.history_source, row.title) == (hr, "admin", "在后台改名")
    entry = LogEntry.objects.filter(object_id=str(position.pk), content_type__model="position").latest("action_time")
    assert entry.user == hr
