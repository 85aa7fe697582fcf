"""The permission matrix on the seed organisation: lists, appraisal scopes and the admin, role by role.

Every endpoint and method × every role is in test_every_endpoint.py.

`allow` means the request is served (2xx); `deny` means 401 (anonymous), 403 (seen but not
allowed) or 404 (not even seen). Where the difference matters (probing ids) it is asserted.
"""

import pytest

from departments.models import Department
from positions.models import Employee, Position

pytestmark = pytest.mark.django_db

ROLES = ["hr", "sales_manager", "market_manager", "rep", "reader", "anonymous"]


def _ids():
    sales = Department.objects.get(name="销售部")
    market = Department.objects.get(name="市场部")
    return {
        "sales_unit": sales.pk,
        "market_unit": market.pk,
        "sales_position": Position.objects.get(title="销售代表").pk,
        "market_position": Position.objects.get(title="品牌经理").pk,
        "sales_person": Employee.objects.filter(position__title="渠道专员").first().pk,
        "market_person": Employee.objects.filter(position__title="品牌专员").first().pk,
    }


def test_lists_hold_only_what_each_role_may_see(matrix):
    counts = {}
    for role in ROLES[:-1]:
        client = matrix["clients"][role]
        counts[role] = {name: client.get(f"/api/v1/{name}/?limit=1000").json()["count"]
                        for name in ["departments", "positions", "employees", "appraisals"]}  # fmt: skip
    total_positions = Position.objects.count()
    assert counts["hr"]["positions"] == counts["reader"]["positions"] == total_positions
    assert counts["sales_manager"]["positions"] == 8 and counts["market_manager"]["positions"] == 8
    assert counts["rep"]["positions"] == 8 and counts["rep"]["employees"] == 1
    assert counts["sales_manager"]["departments"] == 1
    assert counts["reader"]["appraisals"] == 0, "appraisals are not the reader's unless granted"
    assert counts["hr"]["appraisals"] > counts["sales_manager"]["appraisals"] > 0
    assert counts["rep"]["appraisals"] == 2, "their own in 2026-Q2 and 2026-Q3"


def test_a_manager_sees_and_scores_only_their_direct_reports(matrix):
    client = matrix["clients"]["sales_manager"]
    rows = client.get("/api/v1/appraisals/?limit=1000").json()["results"]
    mine = {row["position_title"] for row in rows}
    assert mine == {"销售部经理", "销售部副经理", "区域销售经理", "渠道经理", "客户关系经理"}
    assert all(row["reviewer_name"] for row in rows if row["position_title"] != "销售部经理")


def test_a_sales_manager_cannot_reach_a_market_appraisal_by_guessing_its_id(matrix, client):
    market = matrix["appraisal_of"]["市场部副经理"]
    api = matrix["clients"]["sales_manager"]
    for response in [
        api.get(f"/api/v1/appraisals/{market.pk}/"),
        api.patch(f"/api/v1/appraisals/{market.pk}/", {"manager_comment": "越权"}, format="json"),
        api.post(f"/api/v1/appraisals/{market.pk}/submit-review/"),
        api.get(f"/api/v1/appraisals/{market.pk}/history/"),
        api.get("/api/v1/appraisals/999999/"),
    ]:
        assert response.status_code == 404
    client.force_login(matrix["users"]["sales_manager"])
    page = client.get(f"/admin/appraisal/appraisal/{market.pk}/change/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]
    market.refresh_from_db()
    assert market.manager_comment != "越权"


def test_a_manager_scores_a_direct_report_but_not_their_own_appraisal(matrix):
    api = matrix["clients"]["sales_manager"]
    report = matrix["appraisal_of"]["区域销售经理"]
    own = matrix["appraisal_of"]["销售部经理"]
    assert report.state == "manager_review", "the seed's 2026-Q3 has this one self-assessed"
    line = report.lines.filter(kind="rated").first()
    body = {"lines": [{"id": line.pk, "manager_score": 4}]}
    assert api.patch(f"/api/v1/appraisals/{report.pk}/", body, format="json").status_code == 200
    own_line = own.lines.filter(kind="rated").first()
    response = api.patch(f"/api/v1/appraisals/{own.pk}/", {"lines": [{"id": own_line.pk, "manager_score": 5}]},
                         format="json")  # fmt: skip
    assert response.status_code in (400, 409), "in their own appraisal they are the employee"
    assert (
        api.post(f"/api/v1/appraisals/{report.pk}/calibrate/", {"band": "S", "reason": "x"}, format="json").status_code
        == 403
    )


def test_a_representative_sees_only_their_own_appraisal_and_cannot_score_it(matrix):
    api = matrix["clients"]["rep"]
    own = matrix["appraisal_of"]["销售代表"]
    other = matrix["appraisal_of"]["区域销售经理"]
    assert api.get(f"/api/v1/appraisals/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/appraisals/{other.pk}/").status_code == 404
    assert api.post(f"/api/v1/appraisals/{own.pk}/submit-review/").status_code == 403
    assert api.get(f"/api/v1/appraisal-cycles/{matrix['cycle'].pk}/results/").status_code == 403


def test_an_api_reader_never_writes_and_sees_appraisals_only_when_granted(matrix):
    from django.contrib.auth.models import Permission

    api = matrix["clients"]["reader"]
    appraisal = matrix["appraisal_of"]["销售代表"]
    assert api.get(f"/api/v1/appraisals/{appraisal.pk}/").status_code == 404
    matrix["users"]["reader"].user_permissions.add(Permission.objects.get(codename="view_appraisal"))
    assert api.get(f"/api/v1/appraisals/{appraisal.pk}/").status_code == 200
    assert api.patch(f"/api/v1/appraisals/{appraisal.pk}/", {}, format="json").status_code == 403


ADMIN_PAGES = ["/admin/", "/admin/positions/position/", "/admin/appraisal/appraisal/", "/admin/departments/department/"]


def test_only_hr_reaches_the_admin(matrix, client):
    for path in ADMIN_PAGES:
        for role in ["sales_manager", "market_manager", "rep", "reader"]:
            client.force_login(matrix["users"][role])
            response = client.get(path)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, path)
        client.force_login(matrix["users"]["hr"])
        assert client.get(path).status_code == 200
        client.logout()
        assert client.get(path).status_code == 302


def test_hr_acts_as_an_employee_on_their_own_appraisal(matrix):
    from django.contrib.auth.models import Group

    from orgdesign.access import HR_ADMIN, appraisal_role

    rep_user = matrix["users"]["rep"]
    rep_user.groups.add(Group.objects.get(name=HR_ADMIN))
    own = matrix["appraisal_of"]["销售代表"]
    assert appraisal_role(type(rep_user).objects.get(pk=rep_user.pk), own) == "employee"


def test_a_new_subordinate_makes_the_holder_a_manager_and_losing_it_undoes_it(matrix):
    from positions.services import position_create, position_delete

    rep = matrix["users"]["rep"]
    rep_position = Position.objects.get(title="销售代表")
    assert not rep.groups.filter(name="Department manager").exists()
    intern = position_create(
        code="SA-INT", title="销售实习生", department=rep_position.department, reports_to=rep_position
    )
    assert rep.groups.filter(name="Department manager").exists()
    position_delete(position=intern)
    assert not rep.groups.filter(name="Department manager").exists()


def test_a_manager_sees_only_findings_within_what_they_may_see(matrix):
    everything = matrix["clients"]["hr"].get("/api/v1/analytics/duty-overlap/?limit=1000").json()
    market = matrix["clients"]["market_manager"].get("/api/v1/analytics/duty-overlap/?limit=1000").json()
    assert market["count"] < everything["count"]
    visible = set(
        Position.objects.filter(department__path__startswith=Department.objects.get(name="市场部").path).values_list(
            "id", flat=True
        )
    )
    assert all(d["position"] in visible for f in market["results"] for d in f["duties"])


def test_spans_and_headcount_cover_only_what_each_role_may_see(matrix):
    sales = Department.objects.get(name="销售部").pk
    totals = {role: matrix["clients"][role].get("/api/v1/analytics/headcount/").json()["totals"]["planned"]
              for role in ["hr", "reader", "market_manager", "sales_manager", "rep"]}  # fmt: skip
    assert totals == {"hr": 58, "reader": 58, "market_manager": 14, "sales_manager": 14, "rep": 14}
    spans = matrix["clients"]["sales_manager"].get("/api/v1/analytics/spans-and-layers/").json()
    assert spans["summary"]["positions"] == 8 and spans["layers"][0] == {"layer": 1, "positions": 1}
    for path in ["spans-and-layers/", "headcount/", "headcount.xlsx"]:
        response = matrix["clients"]["market_manager"].get(f"/api/v1/analytics/{path}?unit={sales}")
        assert response.status_code == 400 and "unit" in response.json()["errors"]


def test_a_raci_matrix_shows_each_role_only_the_positions_it_may_see(matrix):
    from analytics.models import Process

    process = Process.objects.get(code="PRC-PROMO")
    columns = {role: {p["title"] for p in matrix["clients"][role].get(f"/api/v1/processes/{process.pk}/matrix/").json()
                      ["positions"]} for role in ["hr", "reader", "market_manager", "sales_manager"]}  # fmt: skip
    assert columns["hr"] == columns["reader"] and {"促销经理", "渠道经理", "品牌经理"} <= columns["hr"]
    assert columns["market_manager"] == {"市场策划经理", "品牌经理"}
    assert columns["sales_manager"] == {"销售部经理", "区域销售经理", "渠道经理"}


def test_the_description_check_covers_only_what_each_role_may_see(matrix):
    checked = {role: matrix["clients"][role].get("/api/v1/analytics/description-lint/").json()["positions_checked"]
               for role in ["hr", "reader", "market_manager", "sales_manager"]}  # fmt: skip
    assert checked == {"hr": 32, "reader": 32, "market_manager": 8, "sales_manager": 8}
    sales = Department.objects.get(name="销售部").pk
    refused = matrix["clients"]["market_manager"].get(f"/api/v1/analytics/description-lint/?unit={sales}")
    assert refused.status_code == 400 and "unit" in refused.json()["errors"]
