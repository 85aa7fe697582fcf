import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from analytics.selectors import structure_headcount, structure_rows, structure_spans_and_layers
from analytics.structure import span_band
from departments.models import Department
from positions.models import Position
from positions.services import employee_update
from tests.factories import make_employee, make_position, make_unit


@pytest.fixture
def org(db):
    """23 positions in four units, with known answers worked out by hand.

    HQ: CEO (grade 10, 1 seat, filled), Assistant (grade 10, 2 seats, 1 active person and 1 former one).
    A (below HQ): A-head (no grade, filled) reports to the CEO; 13 A-staff (no grade, 1 seat each, the first 10
    filled) report to A-head. B (below HQ): B-head (grade 8, vacant) reports to the CEO. B1 (below B): B1-lead
    (grade 8, filled) reports to B-head; 5 B1-staff (grade 5, 3 seats each, filled 2, 0, 3, 1, 0) report to it.
    """
    hq = make_unit(code="HQ", name="总部")
    a = make_unit(code="A", name="甲部", parent=hq)
    b = make_unit(code="B", name="乙部", parent=hq)
    b1 = make_unit(code="B1", name="乙一组", parent=b, kind="team")
    p = {}
    p["ceo"] = make_position(code="CEO", title="总经理", department=hq, grade=10)
    p["assistant"] = make_position(code="AST", title="助理", department=hq, reports_to=p["ceo"], grade=10, headcount=2)
    p["a_head"] = make_position(code="A-HEAD", title="甲部经理", department=a, reports_to=p["ceo"])
    p["b_head"] = make_position(code="B-HEAD", title="乙部经理", department=b, reports_to=p["ceo"], grade=8)
    p["b1_lead"] = make_position(code="B1-LEAD", title="乙一组组长", department=b1, reports_to=p["b_head"], grade=8)
    for n in range(1, 14):
        p[f"a{n}"] = make_position(code=f"A-{n:02d}", title=f"甲专员{n}", department=a, reports_to=p["a_head"])
    for n in range(1, 6):
        p[f"b{n}"] = make_position(code=f"B1-{n}", title=f"乙专员{n}", department=b1, reports_to=p["b1_lead"],
                                   grade=5, headcount=3)  # fmt: skip
    filled = {"ceo": 1, "assistant": 1, "a_head": 1, "b1_lead": 1, "b1": 2, "b3": 3, "b4": 1}
    filled |= {f"a{n}": 1 for n in range(1, 11)}
    people = {key: [make_employee(position=p[key]) for _ in range(count)] for key, count in filled.items()}
    make_employee(position=p["assistant"], active=False)
    return {"units": {"hq": hq, "a": a, "b": b, "b1": b1}, "positions": p, "people": people}


def _hr():
    return get_user_model()(is_superuser=True)


def test_a_span_falls_in_its_band():
    cases = {1: "1", 2: "2–3", 3: "2–3", 4: "4–7", 7: "4–7", 8: "8–12", 12: "8–12", 13: "13+", 400: "13+"}
    assert {span: span_band(span) for span in cases} == cases
    with pytest.raises(ValueError):
        span_band(0)


def test_layers_spans_bands_and_grade_compression_of_the_hand_built_organisation(org):
    result = structure_spans_and_layers(_hr())
    assert result["summary"] == {
        "positions": 23, "layers": 4, "managers": 4,
        "mean_span": 5.5, "median_span": 4.0,  # spans 3, 13, 1, 5
        "mean_span_filled": 4.75, "median_span_filled": 4.0,  # filled seats below them 2, 10, 1, 6
        "single_report_managers": 1, "grade_compression": 2,
    }  # fmt: skip
    assert result["layers"] == [
        {"layer": 1, "positions": 1}, {"layer": 2, "positions": 3},
        {"layer": 3, "positions": 14}, {"layer": 4, "positions": 5},
    ]  # fmt: skip
    assert result["bands"] == [
        {"band": "1", "managers": 1, "share": 0.25}, {"band": "2–3", "managers": 1, "share": 0.25},
        {"band": "4–7", "managers": 1, "share": 0.25}, {"band": "8–12", "managers": 0, "share": 0.0},
        {"band": "13+", "managers": 1, "share": 0.25},
    ]  # fmt: skip
    managers = {m["code"]: (m["layer"], m["span"], m["span_filled"], m["band"]) for m in result["managers"]}
    assert managers == {
        "CEO": (1, 3, 2, "2–3"),  # A-head 1 + B-head 0 + Assistant 1 (its former holder does not count)
        "A-HEAD": (2, 13, 10, "13+"),
        "B-HEAD": (2, 1, 1, "1"),
        "B1-LEAD": (3, 5, 6, "4–7"),
    }
    [single] = result["single_report"]
    assert (single["code"], single["title"], single["unit_name"]) == ("B-HEAD", "乙部经理", "乙部")
    compressed = {(row["code"], row["grade"], row["superior_code"]) for row in result["grade_compression"]}
    assert compressed == {("AST", 10, "CEO"), ("B1-LEAD", 8, "B-HEAD")}  # A-staff and A-head have no grade


def test_headcount_per_unit_on_its_own_and_rolled_up_with_totals_and_vacancies(org):
    result = structure_headcount(_hr())
    assert result["totals"] == {"planned": 34, "filled": 20, "vacant": 14}
    units = {row["code"]: (row["level"], row["own"], row["rolled_up"]) for row in result["units"]}
    assert units == {
        "HQ": (0, {"planned": 3, "filled": 2, "vacant": 1}, {"planned": 34, "filled": 20, "vacant": 14}),
        "A": (1, {"planned": 14, "filled": 11, "vacant": 3}, {"planned": 14, "filled": 11, "vacant": 3}),
        "B": (1, {"planned": 1, "filled": 0, "vacant": 1}, {"planned": 17, "filled": 7, "vacant": 10}),
        "B1": (2, {"planned": 16, "filled": 7, "vacant": 9}, {"planned": 16, "filled": 7, "vacant": 9}),
    }
    vacancies = {row["code"]: (row["planned"], row["filled"], row["vacant"]) for row in result["vacancies"]}
    assert vacancies == {
        "AST": (2, 1, 1), "A-11": (1, 0, 1), "A-12": (1, 0, 1), "A-13": (1, 0, 1), "B-HEAD": (1, 0, 1),
        "B1-1": (3, 2, 1), "B1-2": (3, 0, 3), "B1-4": (3, 1, 2), "B1-5": (3, 0, 3),
    }  # fmt: skip
    assert [row["code"] for row in result["units"]][0] == "HQ"


def test_a_position_holding_more_people_than_planned_has_no_vacancy_and_takes_none_from_others(org):
    Position.objects.filter(code="A-HEAD").update(headcount=0)  # only an old row could look like this
    result = structure_headcount(_hr(), org["units"]["a"])
    assert result["totals"] == {"planned": 13, "filled": 11, "vacant": 3}
    assert "A-HEAD" not in {row["code"] for row in result["vacancies"]}


def test_a_unit_is_measured_with_its_sub_units_and_superiors_outside_it_as_roots(org):
    b = structure_spans_and_layers(_hr(), org["units"]["b"])
    assert (b["summary"]["positions"], b["summary"]["layers"], b["summary"]["managers"]) == (7, 3, 2)
    assert b["layers"] == [{"layer": 1, "positions": 1}, {"layer": 2, "positions": 1}, {"layer": 3, "positions": 5}]
    assert [row["code"] for row in b["grade_compression"]] == ["B1-LEAD"]
    b1 = structure_spans_and_layers(_hr(), org["units"]["b1"])
    assert b1["layers"] == [{"layer": 1, "positions": 1}, {"layer": 2, "positions": 5}]  # B1-lead's superior is outside
    assert [(m["code"], m["layer"]) for m in b1["managers"]] == [("B1-LEAD", 1)]
    assert b1["grade_compression"] == [] and b1["single_report"] == []
    headcount = structure_headcount(_hr(), org["units"]["b"])
    assert [(row["code"], row["level"]) for row in headcount["units"]] == [("B", 0), ("B1", 1)]
    assert headcount["totals"] == {"planned": 17, "filled": 7, "vacant": 10}


def test_an_empty_scope_has_no_layers_and_no_averages(db):
    unit = make_unit()
    result = structure_spans_and_layers(_hr(), unit)
    assert result["summary"]["layers"] == 0 and result["summary"]["mean_span"] is None
    assert {band["share"] for band in result["bands"]} == {0.0}
    assert structure_headcount(_hr(), unit)["totals"] == {"planned": 0, "filled": 0, "vacant": 0}


def test_the_rows_take_two_queries_and_the_api_a_number_that_does_not_grow_with_the_organisation(
    org, hr_api, django_assert_num_queries
):
    with django_assert_num_queries(2):
        structure_rows(Position.objects.all())

    def queries():
        counts = []
        for url in ["/api/v1/analytics/spans-and-layers/", "/api/v1/analytics/headcount/?unit={}".format(
                org["units"]["hq"].pk), "/api/v1/analytics/spans-and-layers.xlsx"]:  # fmt: skip
            with CaptureQueriesContext(connection) as captured:
                assert hr_api.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    before = queries()
    unit = make_unit(parent=org["units"]["a"])
    for n in range(30):
        position = make_position(department=unit, reports_to=org["positions"][f"a{n % 13 + 1}"], headcount=2)
        make_employee(position=position)
    assert queries() == before


def test_the_seed_has_four_layers_under_the_marketing_director_and_thirteen_single_report_managers(seed_org):
    result = structure_spans_and_layers(_hr())
    # 营销总监; 10 heads (市场部经理, 销售部经理, 3 in 促销, 4 in 支持与服务, 客服经理); their deputies,
    # product/brand/planning, regional/channel/customer-relationship managers and the specialists of chapters 04–05;
    # the specialists under the second-line managers of 市场部 and 销售部.
    assert result["layers"] == [{"layer": n, "positions": count} for n, count in [(1, 1), (2, 10), (3, 15), (4, 6)]]
    assert result["summary"]["managers"] == 16 and result["summary"]["positions"] == 32
    assert [band["managers"] for band in result["bands"]] == [13, 0, 2, 1, 0]
    assert [band["share"] for band in result["bands"]] == [0.8125, 0.0, 0.125, 0.0625, 0.0]
    spans = {m["title"]: m["span"] for m in result["managers"]}
    assert spans["营销总监"] == 10 and spans["市场部经理"] == 4 and spans["销售部经理"] == 4
    assert {m["title"] for m in result["single_report"]} == {
        "产品经理", "品牌经理", "市场策划经理", "区域销售经理", "渠道经理", "客户关系经理", "促销经理", "活动执行经理",
        "终端管理经理", "物流仓储经理", "售后服务经理", "培训与发展经理", "信息技术支持经理",
    }  # fmt: skip
    assert result["grade_compression"] == []  # the seed gives no grades
    market = structure_spans_and_layers(_hr(), Department.objects.get(name="市场部"))
    assert market["summary"]["layers"] == 3 and market["summary"]["managers"] == 4
    headcount = structure_headcount(_hr())
    assert headcount["totals"] == {"planned": 58, "filled": 0, "vacant": 58}  # 19 single seats, 13 × 3 specialists
    rolled = {row["name"]: row["rolled_up"]["planned"] for row in headcount["units"]}
    assert rolled == {"营销总部": 58, "市场部": 14, "销售部": 14, "促销与活动执行部": 12,
                      "支持与服务部": 16, "客服部": 1}  # fmt: skip


def test_the_seed_with_its_demo_people_has_thirteen_vacant_seats(seed_org_demo):
    headcount = structure_headcount(_hr())
    assert headcount["totals"] == {"planned": 58, "filled": 45, "vacant": 13}
    assert len(headcount["vacancies"]) == 13 and {row["vacant"] for row in headcount["vacancies"]} == {1}
    spans = structure_spans_and_layers(_hr())
    director = next(m for m in spans["managers"] if m["title"] == "营销总监")
    assert (director["span"], director["span_filled"]) == (10, 10)


def test_the_api_answers_per_unit_and_names_a_unit_it_does_not_know(org, hr_api):
    body = hr_api.get("/api/v1/analytics/spans-and-layers/").json()
    assert body["summary"]["layers"] == 4 and len(body["managers"]) == 4
    unit = org["units"]["b"].pk
    assert hr_api.get(f"/api/v1/analytics/headcount/?unit={unit}").json()["totals"]["planned"] == 17
    for path in ["spans-and-layers/", "headcount/", "spans-and-layers.xlsx", "headcount.xlsx"]:
        for query in ["unit=999999", "unit=x"]:
            response = hr_api.get(f"/api/v1/analytics/{path}?{query}")
            assert response.status_code == 400 and "unit" in response.json()["errors"], (path, query)


def test_the_workbooks_read_back_with_the_same_answers(org, hr_api):
    response = hr_api.get("/api/v1/analytics/spans-and-layers.xlsx")
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
    assert 'filename="spans-and-layers.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Layers", "Managers", "Bands", "Single report", "Grade compression"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["层级数 Layers"] == 4 and summary["管理者 Managers"] == 4 and summary["岗位数 Positions"] == 23
    managers = {row[0]: row[5:] for row in book["Managers"].iter_rows(min_row=2, values_only=True)}
    assert managers["A-HEAD"] == (13, 10, "13+") and len(managers) == 4
    assert [row[1] for row in book["Bands"].iter_rows(min_row=2, values_only=True)] == [1, 1, 1, 0, 1]
    assert [row[0] for row in book["Single report"].iter_rows(min_row=2, values_only=True)] == ["B-HEAD"]
    assert {row[0] for row in book["Grade compression"].iter_rows(min_row=2, values_only=True)} == {"AST", "B1-LEAD"}
    unit = org["units"]["b"].pk
    book = load_workbook(io.BytesIO(hr_api.get(f"/api/v1/analytics/headcount.xlsx?unit={unit}").content))
    assert book.sheetnames == ["Summary", "Units", "Vacancies"]
    assert list(book["Summary"].iter_rows(values_only=True)) == [
        ("范围 Scope", "乙部"), ("编制 Planned", 17), ("在岗 Filled", 7), ("空缺 Vacant", 10),
    ]  # fmt: skip
    units = list(book["Units"].iter_rows(min_row=2, values_only=True))
    assert units == [("B", "乙部", 0, 1, 0, 1, 17, 7, 10), ("B1", "乙一组", 1, 16, 7, 9, 16, 7, 9)]
    assert len(list(book["Vacancies"].iter_rows(min_row=2))) == 5


def test_the_pages_show_the_measures_with_links_to_the_positions(org, hr_user, client):
    client.force_login(hr_user)
    page = client.get("/analytics/structure/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-measure="layers">4<' in text and 'data-measure="managers">4<' in text
    assert f'href="/positions/{org["positions"]["b_head"].pk}/"' in text  # the single-report manager
    assert f'href="/positions/{org["positions"]["assistant"].pk}/"' in text  # graded as the CEO
    assert "<svg" in text and "/api/v1/analytics/spans-and-layers.xlsx" in text
    page = client.get(f"/analytics/headcount/?unit={org['units']['b'].pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-measure="planned">17<' in text and 'data-measure="vacant">10<' in text
    assert f'href="/positions/{org["positions"]["b2"].pk}/"' in text and 'data-unit="A"' not in text
    assert client.get("/analytics/headcount/?unit=x&page=99").status_code == 200
    client.logout()
    assert client.get("/analytics/structure/").status_code == 302


def test_a_manager_sees_only_their_own_unit_and_those_below_it(org, client):
    user = get_user_model().objects.create_user("lead", password="lead-password-1")
    employee_update(employee=org["people"]["b1_lead"][0], user=user)
    client.force_login(user)
    text = client.get("/analytics/headcount/").content.decode()
    assert 'data-measure="planned">16<' in text and "总部" not in text
    text = client.get(f"/analytics/structure/?unit={org['units']['hq'].pk}").content.decode()
    assert 'data-measure="positions">6<' in text  # a unit out of reach falls back to all they may see
    assert 'href="/analytics/"' in client.get("/").content.decode()  # in the navigation of managers
    assert 'href="/analytics/structure/"' in client.get("/analytics/").content.decode()
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/analytics/spans-and-layers/").json()["summary"]["positions"] == 6
    assert api.get(f"/api/v1/analytics/headcount/?unit={org['units']['hq'].pk}").status_code == 400
