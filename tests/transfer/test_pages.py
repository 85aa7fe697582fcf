"""Import and export from the HR pages, the admin and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from orgdesign.transfer.export import workbook_bytes
from positions.models import Position
from tests.transfer.test_import_export import workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imports_in_tmp(tmp_path, settings):
    settings.IMPORT_FOLDER = tmp_path / "imports"
    settings.IMPORT_IN_BACKGROUND = False


def test_hr_downloads_the_workbook_and_a_sheet(client_for):
    hr = client_for("hr")
    page = hr.get(reverse("transfer-page")).content.decode()
    assert 'id="download-workbook"' in page and "positions.csv" in page
    response = hr.get(reverse("transfer-download", args=["organisation.xlsx"]))
    assert response.status_code == 200 and "organisation.xlsx" in response["Content-Disposition"]
    assert {"units", "positions", "duties", "employees", "kpi_sets"} <= set(
        load_workbook(io.BytesIO(response.content)).sheetnames
    )
    csv = hr.get(reverse("transfer-download", args=["positions.csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("code,title,title_en,unit") and "品牌经理" in csv
    assert hr.get(reverse("transfer-download", args=["secrets.csv"])).status_code == 404


def test_others_may_not_use_the_page(client_for):
    for name in ("brand_specialist", "market_manager"):
        client = client_for(name)
        assert client.get(reverse("transfer-page")).status_code == 403
        assert client.get(reverse("transfer-download", args=["organisation.xlsx"])).status_code == 403


def test_an_upload_is_checked_then_applied_with_its_progress(client_for):
    hr = client_for("hr")
    data = workbook(positions=[["code", "title", "unit", "headcount"], ["MR-BM", "品牌经理", "MKT-MR", 2],
                               ["NEW-9", "新岗位", "MKT-MR", 1]])  # fmt: skip
    response = hr.post(reverse("transfer-page"), {"file": SimpleUploadedFile("org.xlsx", data)})
    assert response.status_code == 302
    job_url = response["Location"]
    page = hr.get(job_url).content.decode()
    assert 'data-sheet="positions"' in page and 'id="apply-import"' in page
    assert 'data-row="positions-2"' in page and 'data-row="positions-3"' in page, "each row to change or create"
    assert not Position.objects.filter(code="NEW-9").exists(), "checking changes nothing"
    assert hr.post(job_url).status_code == 302
    assert Position.objects.get(code="NEW-9").title == "新岗位"
    assert Position.objects.get(code="MR-BM").headcount == 2
    progress = hr.get(job_url + "progress/").content.decode()
    assert 'data-state="done"' in progress
    assert client_for("reviewer").get(job_url).status_code == 404, "an import is its uploader's"


def test_an_upload_with_problems_lists_them_and_cannot_be_applied(client_for):
    hr = client_for("hr")
    data = workbook(positions=[["code", "title", "unit", "headcount"], ["BAD", "坏", "NOWHERE", 1]])
    job_url = hr.post(reverse("transfer-page"), {"file": SimpleUploadedFile("org.xlsx", data)})["Location"]
    page = hr.get(job_url).content.decode()
    assert 'id="problems"' in page and "There is no unit NOWHERE." in page and 'id="apply-import"' not in page
    hr.post(job_url)
    assert not Position.objects.filter(code="BAD").exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(client_for):
    hr = client_for("hr")
    response = hr.post(reverse("transfer-page"), {"file": SimpleUploadedFile("org.pdf", b"%PDF-1.4 nothing")})
    assert response.status_code == 400 and "not a spreadsheet" in response.content.decode()


@override_settings(IMPORT_MAX_BYTES=100)
def test_an_oversized_upload_is_refused_on_the_page(client_for):
    response = client_for("hr").post(
        reverse("transfer-page"), {"file": SimpleUploadedFile("o.xlsx", b"PK" + b"0" * 500)}
    )
    assert response.status_code == 400 and "larger than" in response.content.decode()


def test_the_api_exports_to_whole_organisation_readers(people):
    from django.contrib.auth.models import Group
    from rest_framework.test import APIClient

    from orgdesign.services import api_token_create

    def client(user, read_only=False):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, read_only=read_only).key}")
        return api

    reader = people["rep"]
    reader.groups.add(Group.objects.get(name="API reader"))
    response = client(reader, read_only=True).get("/api/v1/export/organisation.xlsx")
    assert response.status_code == 200 and response.content == workbook_bytes()
    assert client(people["hr"]).get("/api/v1/export/duties.csv").status_code == 200
    assert client(people["market_manager"]).get("/api/v1/export/organisation.xlsx").status_code == 403
    assert APIClient().get("/api/v1/export/organisation.xlsx").status_code == 401


def test_the_admin_links_to_the_page(people):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    client = Client()
    client.force_login(admin)
    assert reverse("admin-transfer") in client.get(reverse("admin:index")).content.decode()
    assert 'id="download-workbook"' in client.get(reverse("admin-transfer")).content.decode()
