import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import Appraisal, AppraisalCycle, KpiSet
from tests.appraisal.conftest import make_cycle, make_set

pytestmark = pytest.mark.django_db


def login_as(employee):
    """An API client for `employee`, who gets a login now (their roles and permissions follow)."""
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from orgdesign.services import api_token_create
    from positions.services import employee_update

    user = get_user_model().objects.create_user(f"user{employee.pk}", password="pw-123456789")
    employee_update(employee=employee, user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    return client


def test_a_user_with_no_role_sees_no_appraisal_or_cycle(plain_api, hr_api, team):
    cycle = make_cycle()
    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/open/")
    appraisal = Appraisal.objects.filter(cycle=cycle).first()
    assert plain_api.get("/api/v1/appraisals/").json()["count"] == 0
    assert plain_api.get("/api/v1/appraisal-cycles/").json()["count"] == 0
    assert plain_api.get(f"/api/v1/appraisals/{appraisal.pk}/").status_code == 404
    assert plain_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/").status_code == 404
    assert plain_api.post(f"/api/v1/appraisals/{appraisal.pk}/calibrate/", {}, format="json").status_code == 404
    # The indicator library and KPI sets are the organisation's published rules: readable, not writable.
    assert plain_api.get("/api/v1/indicators/").status_code == 200
    assert plain_api.post("/api/v1/indicators/", {}, format="json").status_code == 403


def test_indicators_with_levels(hr_api, library):
    levels = [{"level": 1, "points": "50", "description": "被动"}, {"level": 2, "points": "100", "description": "主动"}]
    body = {"code": "T-NEW", "name": "主动性", "dimension": "attitude", "kind": "rated", "levels": levels}
    response = hr_api.post("/api/v1/indicators/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [lv["points"] for lv in response.json()["levels"]] == ["50.0", "100.0"]
    bad = hr_api.post("/api/v1/indicators/", {**body, "code": "T-BAD", "levels": []}, format="json")
    assert bad.status_code == 400 and "levels" in bad.json()["errors"]


def test_an_indicator_in_use_cannot_be_deleted_only_retired(hr_api, team, library):
    response = hr_api.delete(f"/api/v1/indicators/{library['sales'].pk}/")
    assert response.status_code == 409
    assert "retire it" in response.json()["detail"]
    assert (
        hr_api.patch(f"/api/v1/indicators/{library['sales'].pk}/", {"retired": True}, format="json").status_code == 200
    )


def test_kpi_sets_show_their_problems_and_refuse_activation(hr_api, library):
    draft = make_set(library, code="D1", weights=("60", "25", "5"), activate=False)
    row = hr_api.get(f"/api/v1/kpi-sets/{draft.pk}/").json()
    assert row["status"] == "draft"
    assert row["problems"] == ["KPI set D1考核指标: the dimension weights add up to 90, not 100."]
    response = hr_api.post(f"/api/v1/kpi-sets/{draft.pk}/activate/")
    assert response.status_code == 400
    assert response.json()["errors"]["status"] == row["problems"]
    fixed = hr_api.patch(f"/api/v1/kpi-sets/{draft.pk}/", {"attitude_weight": "15"}, format="json")
    assert fixed.json()["problems"] == []
    assert hr_api.post(f"/api/v1/kpi-sets/{draft.pk}/activate/").json()["status"] == "active"


def test_kpi_set_items_are_written_in_one_request(hr_api, library):
    body = {"code": "API", "name": "接口", "results_weight": "100", "ability_weight": "0", "attitude_weight": "0",
            "items": [{"indicator": library["sales"].pk, "weight": "100", "target": "95.5"}]}  # fmt: skip
    response = hr_api.post("/api/v1/kpi-sets/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["items"] == [
        {"indicator": library["sales"].pk, "dimension": "results", "weight": "100.00", "target": "95.5000", "order": 1}
    ]
    assert response.json()["problems"] == []


def test_a_whole_cycle_through_the_api(hr_api, team):
    created = hr_api.post("/api/v1/appraisal-cycles/", {
        "name": "2026-Q4", "period_start": "2026-10-01", "period_end": "2026-12-31",
        "self_deadline": "2027-01-10", "review_deadline": "2027-01-20",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    cycle_id = created.json()["id"]
    opened = hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/open/")
    assert opened.status_code == 200
    assert opened.json()["state"] == "open" and opened.json()["appraisal_count"] == 4
    assert {entry["name"] for entry in opened.json()["left_out"]} == {"品牌戊", "待岗己"}
    again = hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/open/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    appraisal = Appraisal.objects.get(cycle_id=cycle_id, employee=team["people"]["rep1"])
    url = f"/api/v1/appraisals/{appraisal.pk}/"
    lines = {line["name"]: line["id"] for line in hr_api.get(url).json()["lines"]}
    wrong = hr_api.patch(url, {"lines": [{"id": lines["专业能力"], "self_score": 8}]}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"lines[0].self_score": ["专业能力: 8 is not on its scale (1–5)."]}
    etag = hr_api.get(url)["ETag"]
    saved = hr_api.patch(url, {"lines": [
        {"id": lines["销售目标达成率"], "actual": "108"}, {"id": lines["促销预算执行率"], "actual": "92"},
        {"id": lines["专业能力"], "self_score": 4}, {"id": lines["责任心"], "self_score": 4},
    ]}, format="json", HTTP_IF_MATCH=etag)  # fmt: skip
    assert saved.status_code == 200
    stale = hr_api.patch(url, {"self_comment": "晚了"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert hr_api.post(f"{url}submit-self/").json()["state"] == "manager_review"
    hr_api.patch(url, {"feedback_date": "2027-01-12", "feedback_notes": "面谈", "lines": [
        {"id": lines["专业能力"], "manager_score": 4}, {"id": lines["责任心"], "manager_score": 5},
    ]}, format="json")  # fmt: skip
    reviewed = hr_api.post(f"{url}submit-review/").json()
    assert (reviewed["final_score"], reviewed["computed_band"]) == ("100.0", "S")
    assert {line["name"]: line["score"] for line in reviewed["lines"]}["促销预算执行率"] == "108.70"

    gate = {"force": True, "reason": "其余三人本季度另行考核"}  # the others are unfinished: the gates need a reason
    assert hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/start-calibration/").status_code == 409
    started = hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/start-calibration/", gate, format="json")
    assert started.json()["state"] == "calibration"
    calibrated = hr_api.post(f"{url}calibrate/", {"band": "A", "reason": "超出S比例"}, format="json").json()
    assert (calibrated["band"], calibrated["computed_band"], calibrated["band_reason"]) == ("A", "S", "超出S比例")
    distribution = hr_api.get(f"/api/v1/appraisal-cycles/{cycle_id}/distribution/").json()
    assert distribution["total"]["counts"]["A"] == 1
    assert hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/close/", gate, format="json").json()["state"] == "closed"

    closed = hr_api.patch(url, {"self_comment": "改"}, format="json")
    assert closed.status_code == 409 and "is closed" in closed.json()["detail"]
    assert hr_api.post(f"{url}acknowledge/", {}, format="json").status_code == 403, "only the person acknowledges"
    rep_api = login_as(team["people"]["rep1"])
    assert rep_api.post(f"{url}acknowledge/", {"objection": ""}, format="json").json()["state"] == "acknowledged"

    results = hr_api.get(f"/api/v1/appraisal-cycles/{cycle_id}/results/").json()["results"]
    mine = next(row for row in results if row["name"] == "代表丙")
    assert (mine["band"], mine["bonus_coefficient"], mine["merit_increase"]) == ("A", "1.50", "6.00")
    csv_response = hr_api.get(f"/api/v1/appraisal-cycles/{cycle_id}/results/?format=csv")
    assert csv_response["Content-Disposition"] == 'attachment; filename="2026-Q4-results.csv"'
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    xlsx = hr_api.get(f"/api/v1/appraisal-cycles/{cycle_id}/results/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == rows[0]

    reopen = hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/reopen/", {}, format="json")
    assert reopen.status_code == 400 and list(reopen.json()["errors"]) == ["reason"]
    assert (
        hr_api.post(f"/api/v1/appraisal-cycles/{cycle_id}/reopen/", {"reason": "补录"}, format="json").json()["state"]
        == "calibration"
    )


def test_a_draft_cycle_can_be_deleted_an_open_one_cannot(hr_api, team):
    draft = make_cycle(name="D")
    assert hr_api.delete(f"/api/v1/appraisal-cycles/{draft.pk}/").status_code == 204
    opened = make_cycle(name="O")
    hr_api.post(f"/api/v1/appraisal-cycles/{opened.pk}/open/")
    assert hr_api.delete(f"/api/v1/appraisal-cycles/{opened.pk}/").status_code == 409
    assert AppraisalCycle.objects.filter(pk=opened.pk).exists()


def test_appraisals_filter_by_cycle_unit_and_state(hr_api, team):
    cycle = make_cycle()
    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/open/")
    sales = team["units"]["sales"].pk
    body = hr_api.get(f"/api/v1/appraisals/?cycle={cycle.pk}&department={sales}").json()
    assert {row["employee_name"] for row in body["results"]} == {"经理乙", "代表丙", "代表丁"}
    assert hr_api.get("/api/v1/appraisals/?state=manager_review").json()["count"] == 0


def test_rating_bands_can_be_edited(hr_api, db):
    band = hr_api.get("/api/v1/rating-bands/?ordering=-min_score").json()["results"][0]
    assert band["code"] == "S"
    changed = hr_api.patch(f"/api/v1/rating-bands/{band['id']}/", {"min_score": "96"}, format="json")
    assert changed.json()["min_score"] == "96.0"


@pytest.mark.parametrize("path", ["/api/v1/appraisals/?limit=1000", "/api/v1/kpi-sets/?limit=1000",
                                  "/api/v1/indicators/", "/api/v1/appraisal-cycles/"])  # fmt: skip
def test_appraisal_lists_run_a_fixed_number_of_queries(hr_api, team, library, path):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert hr_api.get(path).status_code == 200
        return len(queries)

    cycle = make_cycle(name="A")
    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/open/")
    small = count()
    for n in range(5):
        make_set(library, code=f"X{n}", activate=False)
        other = make_cycle(name=f"B{n}", start=f"202{n}-01-01")
        hr_api.post(f"/api/v1/appraisal-cycles/{other.pk}/open/")
    assert Appraisal.objects.count() == 24 and KpiSet.objects.count() == 6
    assert count() == small


def test_the_results_download_neutralises_formulas(hr_api, team):
    from positions.services import employee_update

    employee_update(employee=team["people"]["rep1"], name="=cmd|' /C calc'!A0")
    cycle = make_cycle()
    hr_api.post(f"/api/v1/appraisal-cycles/{cycle.pk}/open/")
    content = hr_api.get(f"/api/v1/appraisal-cycles/{cycle.pk}/results/?format=xlsx").content
    names = [row[1].value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in names
