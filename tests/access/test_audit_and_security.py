import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from orgdesign.audit import change_source
from positions.models import Duty, Employee, Position
from positions.services import employee_update, position_update
from tests.access.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_date", "-history_id").first()


def test_history_records_user_and_source_for_each_way_in(matrix, client):
    position = Position.objects.get(title="品牌经理")
    hr = matrix["users"]["hr"]

    matrix["clients"]["hr"].patch(f"/api/v1/positions/{position.pk}/", {"title_en": "Brand Lead"}, format="json")
    row = _latest(Position, id=position.pk)
    assert (row.history_user, row.history_source, row.title_en) == (hr, "api", "Brand Lead")

    client.force_login(hr)
    employee = Employee.objects.filter(position=position).first()
    data = {"employee_no": employee.employee_no, "active": "on", "name": "改名", "name_en": employee.name_en,
            "email": employee.email, "user": "", "position": position.pk, "start_date": "",
            "revision_seen": employee.revision}  # fmt: skip
    response = client.post(reverse("admin:positions_employee_change", args=[employee.pk]), data)
    assert response.status_code == 302
    row = _latest(Employee, id=employee.pk)
    assert (row.history_user, row.history_source, row.name) == (hr, "admin", "改名")

    call_command("seed_org", verbosity=0)  # the seed puts the duty texts back: a command's change
    with change_source("import"):
        position_update(position=Position.objects.get(pk=position.pk), purpose="导入的目的")
    row = _latest(Position, id=position.pk)
    assert (row.history_user, row.history_source) == (None, "import")


def test_history_shows_field_changes_over_the_api(matrix):
    position = Position.objects.get(title="品牌经理")
    api = matrix["clients"]["hr"]
    api.patch(f"/api/v1/positions/{position.pk}/", {"headcount": 4, "duties": [{"text": "新的职责"}]}, format="json")
    entries = api.get(f"/api/v1/positions/{position.pk}/history/").json()["results"]
    change = next(e for e in entries if e["object"] == "position" and e["action"] == "changed")
    assert {"field": "headcount", "old": 1, "new": 4} in change["changes"]
    assert change["user"] == "hr" and change["source"] == "api"
    assert any(e["object"] == "duty" and e["action"] == "deleted" for e in entries)
    created = next(e for e in entries if e["object"] == "duty" and e["action"] == "created")
    assert {"field": "text", "old": None, "new": "新的职责"} in created["changes"]


def test_appraisal_history_covers_lines(matrix):
    appraisal = matrix["appraisal_of"]["区域销售经理"]
    api = matrix["clients"]["sales_manager"]
    line = appraisal.lines.filter(kind="rated").first()
    new = 4 if line.manager_score == 5 else 5
    response = api.patch(f"/api/v1/appraisals/{appraisal.pk}/", {"lines": [{"id": line.pk, "manager_score": new}]},
                         format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    entries = api.get(f"/api/v1/appraisals/{appraisal.pk}/history/?limit=1000").json()["results"]
    scored = [e for e in entries if e["object"] == "appraisal line" and e["user"] == "sales_manager"]
    assert any({"field": "manager_score", "old": line.manager_score, "new": new} in e["changes"] for e in scored)


def test_the_trail_cannot_be_edited(matrix, client):
    position = Position.objects.get(title="品牌经理")
    api = matrix["clients"]["hr"]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(api, method)(f"/api/v1/positions/{position.pk}/history/").status_code == 405
    client.force_login(matrix["users"]["hr"])
    oldest = Position.history.filter(id=position.pk).order_by("history_date").first()
    Position.objects.filter(pk=position.pk).update(title="现在的名称")
    url = reverse("admin:positions_position_simple_history", args=[position.pk, oldest.history_id])
    client.post(url, {"title": oldest.title, "_save": "Save"})
    assert Position.objects.get(pk=position.pk).title == "现在的名称", "reverting from the history is switched off"
    count = Position.history.count()
    assert client.get(reverse("admin:positions_position_history", args=[position.pk])).status_code == 200
    assert Position.history.count() == count
    assert "historicalposition" not in str(client.get(reverse("admin:index")).content)


def test_rights_follow_the_organisation_in_the_same_transaction(matrix):
    report = matrix["appraisal_of"]["区域销售经理"]
    sales_manager = matrix["users"]["sales_manager"]
    assert sales_manager.has_perm("appraisal.change_appraisal", report)
    person = Employee.objects.get(user=sales_manager)
    employee_update(employee=person, active=False)
    fresh = get_user_model().objects.get(pk=sales_manager.pk)
    assert not fresh.has_perm("appraisal.change_appraisal", report)
    assert not fresh.groups.filter(name="Department manager").exists()
    report.refresh_from_db()
    deputy = Employee.objects.get(position__title="营销总监")
    assert report.reviewer == deputy, "the next holder up the line reviews now"
    assert matrix["clients"]["sales_manager"].get(f"/api/v1/appraisals/{report.pk}/").status_code == 404


def test_repeated_failed_logins_lock_the_account_until_hr_unlocks_it(matrix, client):
    api = matrix["clients"]["anonymous"]
    for _attempt in range(5):
        response = api.post("/api/v1/auth/token/", {"username": "rep", "password": "wrong"}, format="json")
        assert response.status_code in (401, 403)
    locked = api.post("/api/v1/auth/token/", {"username": "rep", "password": PASSWORD}, format="json")
    assert locked.status_code == 403
    assert locked.json()["code"] == "locked_out"
    page = client.post(reverse("admin:login"), {"username": "rep", "password": PASSWORD})
    assert page.status_code == 403
    call_command("axes_reset_username", "rep")
    unlocked = api.post("/api/v1/auth/token/", {"username": "rep", "password": PASSWORD}, format="json")
    assert unlocked.status_code == 200


def test_html_in_a_duty_is_stored_and_shown_as_text(matrix, client):
    position = Position.objects.get(title="品牌经理")
    script = '<script>alert("x")</script><b>粗体</b>'
    api = matrix["clients"]["hr"]
    response = api.patch(f"/api/v1/positions/{position.pk}/", {"duties": [{"text": script}]}, format="json")
    assert response.json()["duties"][0]["text"] == script
    assert Duty.objects.get(position=position).text == script
    client.force_login(matrix["users"]["hr"])
    page = client.get(reverse("admin:positions_position_change", args=[position.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_pages_carry_a_content_security_policy_of_our_own_files(client):
    response = client.get(reverse("admin:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy


def test_production_hashes_passwords_with_argon2():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.com")
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.stdout.strip().endswith("Argon2PasswordHasher"), result.stderr


def test_the_api_is_throttled_per_token(matrix, monkeypatch):
    from django.core.cache import cache

    from orgdesign.api.throttling import TokenRateThrottle

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    api = matrix["clients"]["reader"]
    statuses = [api.get("/api/v1/rating-bands/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api.get("/api/v1/rating-bands/").json()["code"] == "throttled"
    assert matrix["clients"]["hr"].get("/api/v1/rating-bands/").status_code == 200, "another token has its own"
    cache.clear()
