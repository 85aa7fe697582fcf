import pytest

from positions.models import Position

pytestmark = pytest.mark.django_db


def _walk(units):
    for unit in units:
        yield unit
        yield from _walk(unit["children"])


def test_the_whole_seed_organisation_in_one_response(hr_api, seed_org_demo):
    body = hr_api.get("/api/v1/org-chart/").json()
    assert [unit["name"] for unit in body["units"]] == ["营销总部"]
    hq = body["units"][0]
    assert [child["name"] for child in hq["children"]] == [
        "市场部",
        "销售部",
        "促销与活动执行部",
        "支持与服务部",
        "客服部",
    ]
    positions = [p for unit in _walk(body["units"]) for p in unit["positions"]]
    assert len(positions) == Position.objects.count() == 32
    rep = next(p for p in positions if p["title"] == "销售代表")
    manager = next(p for p in positions if p["title"] == "区域销售经理")
    assert rep["reports_to"] == manager["id"]
    assert rep["filled"] == len(rep["holders"]) and rep["vacant"] == rep["headcount"] - rep["filled"]
    assert {"employee_no", "name", "name_en", "id"} == set(rep["holders"][0])


def test_root_gives_a_subtree_and_depth_cuts_it(hr_api, seed_org):
    sales = Position.objects.get(title="销售部经理").department
    body = hr_api.get(f"/api/v1/org-chart/?root={sales.pk}").json()
    assert [unit["name"] for unit in body["units"]] == ["销售部"]
    assert len(body["units"][0]["positions"]) == 8
    hq = sales.parent
    cut = hr_api.get(f"/api/v1/org-chart/?root={hq.pk}&depth=0").json()
    assert cut["units"][0]["children"] == []
    one = hr_api.get("/api/v1/org-chart/?depth=1").json()
    assert len(one["units"][0]["children"]) == 5


def test_bad_parameters_are_named(hr_api, seed_org):
    response = hr_api.get("/api/v1/org-chart/?root=999999&depth=-1")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"root", "depth"}
