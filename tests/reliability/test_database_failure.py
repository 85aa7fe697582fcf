import json

from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client
from django.urls import path

from orgdesign.api.exceptions import handler500
from orgdesign.services import api_token_create
from positions.models import Position
from tests.factories import make_position
from tests.reliability.conftest import postgresql_only


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@postgresql_only
def test_with_the_database_stopped_the_api_answers_503_json_and_pages_a_friendly_page_until_it_is_back(served):
    user = get_user_model().objects.create_superuser("hr", password="hr-password-1")
    token = api_token_create(user=user, name="tests").key
    cookie = _session_cookie(user)
    position = make_position(title="营销总监")
    assert served.get("/api/v1/positions/", token=token)[0] == 200
    assert served.get(f"/positions/{position.pk}/", cookie=cookie)[0] == 200

    served.proxy.stop()
    for _attempt in range(4):  # both workers, with their kept connection cut and then with none
        status, headers, body = served.get("/api/v1/positions/", token=token)
        assert status == 503 and headers["Content-Type"] == "application/json", body
        assert json.loads(body)["code"] == "database_unavailable" and headers["Retry-After"] == "30"
        status, headers, body = served.get(f"/positions/{position.pk}/", cookie=cookie)
        assert status == 503 and headers["Content-Type"].startswith("text/html")
        assert b"Temporarily unavailable" in body and b"Traceback" not in body and b"psycopg" not in body
    status, _headers, body = served.send(
        "POST", "/api/v1/positions/", token=token, body={"code": "NEW", "title": "新岗位", "department": 1}
    )
    assert status == 503, body

    served.proxy.start()
    for _attempt in range(4):  # no restart: every worker connects again
        assert served.get("/api/v1/positions/", token=token)[0] == 200
        assert served.get(f"/positions/{position.pk}/", cookie=cookie)[0] == 200
    assert not Position.objects.filter(code="NEW").exists()


def _broken(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [path("api/v1/broken/", _broken), path("broken/", _broken)]
handler500 = handler500


def test_a_database_error_anywhere_is_a_503_in_the_api_and_a_page_elsewhere(settings, db):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    api = client.get("/api/v1/broken/")
    assert api.status_code == 503 and api.json()["code"] == "database_unavailable"
    page = client.get("/broken/")
    assert page.status_code == 503 and "Temporarily unavailable" in page.content.decode()
