import csv
import datetime
import io

import pytest
from django.utils import timezone

from positions.models import Position
from positions.services import position_update
from tests.factories import make_employee, make_position, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    top = make_unit(name="总部")
    sales = make_unit(name="销售部", parent=top)
    region = make_unit(name="华东区", parent=sales)
    market = make_unit(name="市场部", parent=top)
    director = make_position(department=top, code="DIR", title="营销总监")
    manager = make_position(department=sales, reports_to=director, code="SM", title="销售经理", is_key=True)
    rep = make_position(department=region, reports_to=manager, code="REP", title="销售代表", headcount=3)
    brand = make_position(department=market, reports_to=director, code="BM", title="品牌经理", title_en="Brand Manager")
    return {"top": top, "sales": sales, "region": region, "market": market,
            "director": director, "manager": manager, "rep": rep, "brand": brand}  # fmt: skip


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_department_filter_alone_and_with_descendants(hr_api, tree):
    sales = tree["sales"].pk
    assert codes(hr_api.get(f"/api/v1/positions/?department={sales}")) == ["SM"]
    response = hr_api.get(f"/api/v1/positions/?department={sales}&include_descendants=true")
    assert sorted(codes(response)) == ["REP", "SM"]


def test_reports_to_and_is_key_filters(hr_api, tree):
    assert sorted(codes(hr_api.get(f"/api/v1/positions/?reports_to={tree['director'].pk}"))) == ["BM", "SM"]
    assert codes(hr_api.get("/api/v1/positions/?is_key=true")) == ["SM"]


def test_an_unknown_filter_id_is_a_400_naming_the_parameter(hr_api, tree):
    response = hr_api.get("/api/v1/positions/?department=999999")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["department"]


def test_search_on_code_and_titles(hr_api, tree):
    assert codes(hr_api.get("/api/v1/positions/?search=brand")) == ["BM"]
    assert codes(hr_api.get("/api/v1/positions/?search=销售")) == ["SM", "REP"]
    assert codes(hr_api.get("/api/v1/positions/?search=DIR")) == ["DIR"]


def test_ordering_is_whitelisted_and_stable(hr_api, tree):
    assert codes(hr_api.get("/api/v1/positions/?ordering=code")) == ["BM", "DIR", "REP", "SM"]
    assert codes(hr_api.get("/api/v1/positions/?ordering=-code")) == ["SM", "REP", "DIR", "BM"]
    default = codes(hr_api.get("/api/v1/positions/"))
    assert codes(hr_api.get("/api/v1/positions/?ordering=purpose")) == default


def test_pagination_default_and_maximum(hr_api):
    unit = make_unit()
    Position.objects.bulk_create([Position(code=f"B{i:04d}", title=f"批量{i}", department=unit) for i in range(1005)])
    body = hr_api.get("/api/v1/positions/").json()
    assert (body["count"], len(body["results"]), body["previous"]) == (1005, 50, None)
    assert "limit=50&offset=50" in body["next"]
    assert len(hr_api.get("/api/v1/positions/?limit=1000").json()["results"]) == 1000
    out_of_range = "Give a number from 1 to 1000."
    for query, message in [("limit=5000", out_of_range), ("limit=0", out_of_range),
                           ("offset=-1", "Give a number 0 or more."), ("offset=x", "Give one whole number."),
                           ("offset=1&offset=2", "Give one whole number.")]:  # fmt: skip
        refused = hr_api.get(f"/api/v1/positions/?{query}")
        name = query.split("=")[0]
        assert refused.status_code == 400 and refused.json()["errors"] == {name: [message]}, query
    last = hr_api.get("/api/v1/positions/?limit=10&offset=1000").json()
    assert (len(last["results"]), last["next"]) == (5, None)


def test_pages_never_overlap(hr_api, tree):
    seen = []
    for offset in range(4):
        seen += codes(hr_api.get(f"/api/v1/positions/?limit=1&offset={offset}&ordering=headcount"))
    assert sorted(seen) == ["BM", "DIR", "REP", "SM"]


def test_updated_since_returns_only_what_changed(hr_api, tree):
    mark = timezone.now()
    position_update(position=tree["brand"], title="品牌总监")
    response = hr_api.get("/api/v1/positions/", {"updated_since": mark.isoformat()})
    assert codes(response) == ["BM"]
    assert hr_api.get("/api/v1/positions/", {"updated_since": "yesterday"}).status_code == 400


def test_changes_report_changes_and_deletions(hr_api, tree):
    mark = timezone.now()
    person = make_employee(position=tree["rep"])
    position_update(position=tree["brand"], title="品牌总监")
    hr_api.delete(f"/api/v1/employees/{person.pk}/")
    hr_api.delete(f"/api/v1/positions/{tree['brand'].pk}/")
    body = hr_api.get("/api/v1/changes/", {"since": mark.isoformat()}).json()
    assert body["positions"] == {"changed": [], "deleted": [tree["brand"].pk]}
    assert body["employees"] == {"changed": [], "deleted": [person.pk]}
    assert body["departments"] == {"changed": [], "deleted": []}
    later = hr_api.get("/api/v1/changes/", {"since": body["until"]}).json()
    assert later["positions"] == {"changed": [], "deleted": []}


def test_changes_need_a_since(hr_api):
    response = hr_api.get("/api/v1/changes/")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]


def test_positions_and_employees_as_csv(hr_api, tree):
    make_employee(position=tree["rep"], name='=HYPERLINK("x")', start_date=datetime.date(2026, 1, 2))
    response = hr_api.get("/api/v1/positions/?format=csv&ordering=code")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["code"] for row in rows] == ["BM", "DIR", "REP", "SM"]
    assert rows[2]["filled"] == "1" and rows[2]["vacant"] == "2"
    assert "duties" not in rows[0]
    people = list(csv.DictReader(io.StringIO(hr_api.get("/api/v1/employees/?format=csv").content.decode("utf-8-sig"))))
    assert people[0]["name"] == '\'=HYPERLINK("x")', "formula-looking text is neutralised"
    assert people[0]["start_date"] == "2026-01-02"


def test_employee_filters(hr_api, tree):
    inside = make_employee(position=tree["rep"])
    make_employee(position=tree["brand"], active=False)
    sales = tree["sales"].pk
    response = hr_api.get(f"/api/v1/employees/?department={sales}&include_descendants=true")
    assert [row["id"] for row in response.json()["results"]] == [inside.pk]
    assert response.json()["results"][0]["department"] == tree["region"].pk
    assert hr_api.get("/api/v1/employees/?active=false").json()["count"] == 1


def test_department_filters(hr_api, tree):
    response = hr_api.get(f"/api/v1/departments/?within={tree['sales'].pk}")
    assert sorted(row["name"] for row in response.json()["results"]) == ["华东区", "销售部"]
    response = hr_api.get(f"/api/v1/departments/?parent={tree['top'].pk}&ordering=name")
    assert [row["position_count"] for row in response.json()["results"]] == [1, 1]
