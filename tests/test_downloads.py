"""Every download's Content-Disposition is built by `orgdesign.downloads`, and no name can break it.

A well-formed header (RFC 6266 / RFC 5987) has a plain-ASCII `filename="..."` with nothing in it
that ends or escapes the quoted string or names a folder, and, when the name is not plain ASCII,
a `filename*=UTF-8''...` that keeps it as written (Chinese included).
"""

import io
import re
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from analytics.models import Process
from appraisal.models import Appraisal
from appraisal.services import cycle_close, cycle_open, cycle_start_calibration
from orgdesign.downloads import content_disposition, safe_filename
from tests.appraisal import conftest as appraisal_fixtures
from tests.appraisal.conftest import make_cycle
from tests.appraisal.test_cycles import _run
from tests.factories import make_position

pytestmark = pytest.mark.django_db

library, team = appraisal_fixtures.library, appraisal_fixtures.team

WELL_FORMED = re.compile(
    r"^attachment; filename=\"(?P<plain>[\x20-\x7e]*)\""
    r"(?:; filename\*=UTF-8''(?P<encoded>[A-Za-z0-9!#$&+\-.^_`|~%]+))?$"
)


def parsed(header):
    """(the ASCII fallback, the name as written) of a well-formed header; fails on any other."""
    match = WELL_FORMED.match(header)
    assert match, header
    plain = match.group("plain")
    assert not set(plain) & set('"\\/%'), header
    encoded = match.group("encoded")
    name = unquote(encoded, errors="strict") if encoded else plain
    assert not set(name) & set('"\\/\n\r\t'), header
    return plain, name


# --- the helper --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "plain", "name"),
    [
        ("results-2026-Q3.csv", "results-2026-Q3.csv", "results-2026-Q3.csv"),
        ("results-2027/Q2.csv", "results-2027-Q2.csv", "results-2027-Q2.csv"),
        ('results-a"b.csv', "results-a-b.csv", "results-a-b.csv"),
        ("results-a\nb.csv", "results-a-b.csv", "results-a-b.csv"),
        ("results-a\r\nContent-Type: text/html.csv", "results-a-Content-Type- text-html.csv",
         "results-a-Content-Type- text-html.csv"),
        ("a\\b;c=d.pdf", "a-b;c=d.pdf", "a-b;c=d.pdf"),
        ("results-2026年第三季度.xlsx", "results-2026_.xlsx", "results-2026年第三季度.xlsx"),
        ("P1 品牌经理 岗位说明书.docx", "P1 _ _.docx", "P1 品牌经理 岗位说明书.docx"),
        ("岗位说明书.docx", "download.docx", "岗位说明书.docx"),
        ("100%.csv", "100_.csv", "100%.csv"),
        ("", "download", "download"),
        ("../..", "download", "download"),
    ],
)  # fmt: skip
def test_every_name_gives_a_well_formed_header(filename, plain, name):
    header = content_disposition(filename)
    assert parsed(header) == (plain, name)
    HttpResponse()["Content-Disposition"] = header  # Django refuses a header that could be split


def test_a_name_keeps_what_a_file_name_may_hold():
    assert safe_filename("销售部 (华东) 2026.docx") == "销售部 (华东) 2026.docx"
    assert safe_filename('a:b*c?d<e>f|g"h') == "a-b-c-d-e-f-g-h"
    assert content_disposition("x.pdf", as_attachment=False) == 'inline; filename="x.pdf"'


# --- every download, with names that used to break them ----------------------------------------------


def _closed(name, team):
    cycle = make_cycle(name=name)
    cycle_open(cycle=cycle)
    _run(Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"]))
    cycle_start_calibration(cycle=cycle, force=True, reason="按期")
    cycle_close(cycle=cycle, force=True, reason="按期")
    return cycle


def _downloaded(response, expected_name):
    assert response.status_code == 200, response.content[:500]
    _plain, name = parsed(response["Content-Disposition"])
    assert expected_name in name, (name, expected_name)
    return response


@pytest.mark.parametrize(
    ("cycle_name", "in_file_name"),
    [("2027/Q2", "2027-Q2"), ('a"b', "a-b"), ("2026年第三季度", "2026年第三季度"), ("2026-Q3", "2026-Q3")],
)
def test_every_results_download_answers_with_a_well_formed_name(hr_client, hr_api, team, cycle_name, in_file_name):
    cycle = _closed(cycle_name, team)
    for fmt in ("csv", "xlsx"):
        response = _downloaded(hr_client.get(reverse("cycle-results-export", args=[cycle.pk, fmt])), in_file_name)
        assert _downloaded(hr_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/?format={fmt}"), in_file_name)
    load_workbook(io.BytesIO(response.content))
    appraisal = Appraisal.objects.get(cycle=cycle, employee=team["people"]["rep1"])
    response = _downloaded(hr_client.get(reverse("appraisal-pdf", args=[appraisal.pk])), in_file_name)
    assert response.content.startswith(b"%PDF")


def test_a_cycle_name_cannot_hold_a_line_break(team):
    with pytest.raises(ValidationError) as caught:
        make_cycle(name="a\nb")
    assert list(caught.value.message_dict) == ["name"]


def test_the_word_exports_keep_chinese_names_and_lose_quotes_and_slashes(hr_client, team):
    unit = team["units"]["sales"]
    unit.name = '销售部"华东"/一区'
    unit.save()
    position = make_position(department=unit, title='销售"代表"/一线', code="S/1")
    page = hr_client.get(reverse("position-docx", args=[position.pk]))
    response = _downloaded(page, "S-1 销售-代表-一线 岗位说明书.docx")
    assert response.content.startswith(b"PK")
    _downloaded(hr_client.get(reverse("unit-descriptions-docx", args=[unit.pk])), ".docx")


def test_the_other_workbooks_answer_with_well_formed_names(hr_client, hr_api, team):
    process = Process.objects.create(code='RA"CI/1', name="促销流程")
    _downloaded(hr_client.get(reverse("process-xlsx", args=[process.pk])), "RACI-RA-CI-1.xlsx")
    _downloaded(hr_api.get(f"/api/v1/processes/{process.pk}/matrix/?format=xlsx"), "RACI-RA-CI-1.xlsx")
    _downloaded(hr_client.get(reverse("transfer-download", args=["organisation.xlsx"])), "organisation.xlsx")
    _downloaded(hr_client.get(reverse("transfer-download", args=["positions.csv"])), "positions.csv")
    _downloaded(hr_api.get("/api/v1/export/organisation.xlsx"), "organisation.xlsx")
    _downloaded(hr_api.get("/api/v1/analytics/spans-and-layers.xlsx"), "spans-and-layers.xlsx")
    _downloaded(hr_api.get("/api/v1/analytics/headcount.xlsx"), "headcount.xlsx")
