import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import path

from orgdesign.urls import urlpatterns as project_urls
from tests.factories import make_position

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(hr_api):
    response = hr_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_wrong_method_is_a_json_405(hr_api):
    response = hr_api.put("/api/v1/positions/", {}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.', "code": "method_not_allowed"}


def test_a_forbidden_write_is_a_json_403(plain_api):
    position = make_position()
    response = plain_api.delete(f"/api/v1/positions/{position.pk}/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_malformed_json_is_a_400(hr_api):
    position = make_position()
    response = hr_api.generic(
        "PATCH", f"/api/v1/positions/{position.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def _explode(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/explode/", _explode), *project_urls]
handler404 = "orgdesign.api.exceptions.handler404"
handler500 = "orgdesign.api.exceptions.handler500"


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_json_500():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/explode/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "The server failed to answer; the error has been logged.",
        "code": "server_error",
    }


def test_the_schema_validates_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_and_the_docs_need_a_login(client, anon_api):
    assert anon_api.get("/api/schema/?format=json").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=")


def test_the_schema_is_served_as_json_and_describes_everything(client, plain_api):
    response = plain_api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for expected in ["/api/v1/departments/", "/api/v1/positions/{id}/", "/api/v1/employees/", "/api/v1/org-chart/",
                     "/api/v1/changes/", "/api/v1/auth/token/"]:  # fmt: skip
        assert expected in paths
    for operations in paths.values():
        for operation in operations.values():
            assert operation.get("summary") or operation.get("description"), operation["operationId"]
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (operation["operationId"], parameter["name"])
                assert parameter["schema"].get("type"), (operation["operationId"], parameter["name"])
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description") or "$ref" in spec or "allOf" in spec, (name, field)


def test_swagger_ui_is_served_from_our_own_static_files(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("docs-reader", password="pw-docs-1"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    bundle = Path(settings.BASE_DIR)  # the sidecar ships the files inside the package
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.exists()
