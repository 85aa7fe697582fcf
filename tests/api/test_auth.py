import pytest
from django.core.management import call_command

from orgdesign.models import ApiToken
from tests.factories import make_position, make_unit

pytestmark = pytest.mark.django_db


def test_a_login_gets_a_new_token_each_time_and_each_authenticates(anon_api, hr_user):
    response = anon_api.post("/api/v1/auth/token/", {"username": "hr", "password": "hr-password-1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    again = anon_api.post("/api/v1/auth/token/", {"username": "hr", "password": "hr-password-1"}, format="json")
    assert again.json()["token"] != token, "keys are stored hashed: an earlier one cannot be given back"
    assert list(ApiToken.objects.filter(user=hr_user).values_list("name", flat=True)) == ["login", "login"]
    for key in (token, again.json()["token"]):
        anon_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert anon_api.get("/api/v1/departments/").status_code == 200


def test_a_wrong_password_gets_401_in_json(anon_api, hr_user):
    response = anon_api.post("/api/v1/auth/token/", {"username": "hr", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Wrong username or password.", "code": "authentication_failed"}


def test_a_token_request_without_fields_names_them(anon_api):
    response = anon_api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


@pytest.mark.parametrize(
    "path", ["/api/v1/departments/", "/api/v1/positions/", "/api/v1/employees/", "/api/v1/org-chart/",
             "/api/v1/changes/?since=2020-01-01T00:00:00Z"],
)  # fmt: skip
def test_anonymous_requests_get_401_in_json(anon_api, path):
    response = anon_api.get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_gets_401(anon_api):
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anon_api.get("/api/v1/positions/").status_code == 401


def test_the_browser_session_works(client, hr_user):
    client.force_login(hr_user)
    assert client.get("/api/v1/positions/").status_code == 200


def test_session_writes_need_the_csrf_token(hr_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(hr_user)
    unit = make_unit()
    response = browser.patch(f"/api/v1/departments/{unit.pk}/", {"name": "改"}, content_type="application/json")
    assert response.status_code == 403


def test_a_read_only_token_reads_but_every_write_gets_403(reader_api):
    unit = make_unit()
    position = make_position(department=unit)
    assert reader_api.get(f"/api/v1/positions/{position.pk}/").status_code == 200
    attempts = [
        reader_api.post("/api/v1/departments/", {"code": "N", "name": "新"}, format="json"),
        reader_api.patch(f"/api/v1/departments/{unit.pk}/", {"name": "改"}, format="json"),
        reader_api.put(f"/api/v1/positions/{position.pk}/", {}, format="json"),
        reader_api.patch(f"/api/v1/positions/{position.pk}/", {"title": "改"}, format="json"),
        reader_api.delete(f"/api/v1/positions/{position.pk}/"),
        reader_api.post("/api/v1/employees/", {"employee_no": "X", "name": "某"}, format="json"),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert attempts[0].json()["detail"] == "This token is read-only; it cannot change anything."
    position.refresh_from_db()
    assert position.title != "改"


def test_a_user_without_model_permissions_cannot_write(plain_api):
    unit = make_unit()
    assert plain_api.get("/api/v1/departments/").status_code == 200
    assert plain_api.patch(f"/api/v1/departments/{unit.pk}/", {"name": "改"}, format="json").status_code == 403


def test_the_command_issues_a_read_only_token(hr_user, capsys):
    call_command("create_api_token", "hr", "--read-only", "--name", "BI")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(prefix=key[:8])
    assert (token.read_only, token.name, token.user) == (True, "BI", hr_user)
