"""RACI of cross-unit processes: on a hand-built organisation with known answers, and on the seed."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from analytics.models import Process, ProcessStep, RaciAssignment
from analytics.raci import position_raci_roles, process_matrix
from analytics.services import process_write
from orgdesign.exceptions import ConcurrentUpdate
from positions.models import Position
from tests.api.test_resources import ResourceContract
from tests.factories import make_position, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    """Three units, five positions; a promotion of three steps, each with one A."""
    market, promo, sales = make_unit(name="市场部"), make_unit(name="促销部"), make_unit(name="销售部")
    p = {
        "planner": make_position(department=market, title="策划经理", title_en="Planner"),
        "brand": make_position(department=market, title="品牌经理"),
        "promo": make_position(department=promo, title="促销经理", title_en="Promotion Manager"),
        "sales": make_position(department=sales, title="销售经理"),
    }
    p["rep"] = make_position(department=sales, title="销售代表", reports_to=p["sales"])
    process = process_write(
        fields={"code": "PROMO", "name": "促销活动", "name_en": "Promotion", "owner": promo},
        steps=[
            _step("制定方案", [(p["promo"], "A"), (p["planner"], "R"), (p["sales"], "C")], name_en="Plan"),
            _step("活动执行", [(p["sales"], "A"), (p["rep"], "R"), (p["promo"], "I")]),
            _step("效果评估", [(p["promo"], "A"), (p["planner"], "C")]),
        ],
    )
    return {"process": process, "positions": p, "units": (market, promo, sales)}


def _step(name, roles, **fields):
    return {"name": name, **fields, "assignments": [{"position": pos, "role": role} for pos, role in roles]}


def _steps_as_sent(process, change=None):
    """The process's steps as the service takes them, with `change(index, assignments)` applied."""
    steps = []
    for index, step in enumerate(process.steps.order_by("order")):
        assignments = [{"position": a.position, "role": a.role} for a in step.assignments.select_related("position")]
        if change:
            assignments = change(index, assignments)
        steps.append({"id": step.pk, "name": step.name, "assignments": assignments})
    return steps


def _rows():
    return [list(model.objects.order_by("pk").values()) for model in (Process, ProcessStep, RaciAssignment)]


def test_the_matrix_has_the_steps_as_rows_and_the_positions_involved_as_columns(org, hr_user):
    matrix = process_matrix(org["process"], user=hr_user)
    assert [c["title"] for c in matrix["positions"]] == ["策划经理", "促销经理", "销售经理", "销售代表"]  # not 品牌经理
    assert [(s["order"], s["name"], s["roles"], s["problem"]) for s in matrix["steps"]] == [
        (1, "制定方案", ["R", "A", "C", ""], None),
        (2, "活动执行", ["", "I", "A", "R"], None),
        (3, "效果评估", ["C", "A", "", ""], None),
    ]
    assert matrix["positions"][1]["unit_name"] == "促销部"


def test_a_position_lists_its_roles_in_process_and_step_order(org):
    roles = position_raci_roles(org["positions"]["promo"])
    assert [(r["process_name"], r["step_order"], r["step_name"], r["role"]) for r in roles] == [
        ("促销活动", 1, "制定方案", "A"), ("促销活动", 2, "活动执行", "I"), ("促销活动", 3, "效果评估", "A"),
    ]  # fmt: skip
    assert roles[0]["role_label"] == "Accountable"
    assert position_raci_roles(org["positions"]["brand"]) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda i, a: [x for x in a if x["role"] != "A"] if i == 1 else a, "2. 活动执行 has no Accountable"),
        (lambda i, a: [{**x, "role": "A"} for x in a] if i == 1 else a, "2. 活动执行 has 3 Accountable"),
    ],
    ids=["no A", "three A"],
)
def test_a_step_without_exactly_one_accountable_is_refused_naming_it_and_nothing_is_saved(org, change, message):
    process, before = org["process"], _rows()
    with pytest.raises(ValidationError) as refused:
        process_write(process=process, fields={"name": "改名"}, steps=_steps_as_sent(process, change))
    assert list(refused.value.message_dict) == ["steps[1].assignments"]
    assert message in refused.value.message_dict["steps[1].assignments"][0]
    assert _rows() == before


def test_a_step_with_no_one_yet_may_be_saved_and_a_position_twice_is_refused(org):
    process, promo = org["process"], org["positions"]["promo"]
    steps = [*_steps_as_sent(process), {"name": "新步骤", "assignments": []}]
    process_write(process=process, steps=steps)
    assert process.steps.count() == 4
    twice = _steps_as_sent(process, lambda i, a: [*a, {"position": promo, "role": "C"}] if i == 0 else a)
    with pytest.raises(ValidationError) as refused:
        process_write(process=process, steps=twice)
    assert "steps[0].assignments[3].position" in refused.value.message_dict


def test_the_accountable_moves_from_one_position_to_another_in_one_save(org):
    """The old A becomes R and the R becomes A: the database's one-A rule holds after every statement."""
    process = org["process"]
    swap = {"A": "R", "R": "A"}
    process_write(process=process, steps=_steps_as_sent(process, lambda i, a: [
        {**x, "role": swap.get(x["role"], x["role"])} for x in a] if i == 0 else a))  # fmt: skip
    first = process.steps.get(order=1)
    assert dict(first.assignments.values_list("position__title", "role")) == {"策划经理": "A", "促销经理": "R",
                                                                              "销售经理": "C"}  # fmt: skip


def test_the_database_holds_at_most_one_accountable_and_one_role_per_position_in_a_step(org):
    step = org["process"].steps.get(order=1)
    for position, role in [(org["positions"]["brand"], "A"), (org["positions"]["planner"], "C")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            RaciAssignment.objects.create(step=step, position=position, role=role)
    with pytest.raises(IntegrityError), transaction.atomic():
        RaciAssignment.objects.create(step=step, position=org["positions"]["brand"], role="X")
    RaciAssignment.objects.create(step=step, position=org["positions"]["brand"], role="I")


def test_a_stale_revision_is_refused_and_changes_nothing(org):
    process = org["process"]
    read_at = process.revision
    process_write(process=process, fields={"name_en": "Promotion campaign"}, expected_revision=read_at)
    before = _rows()
    with pytest.raises(ConcurrentUpdate):
        process_write(process=Process.objects.get(pk=process.pk), fields={"name_en": "Lost"},
                      steps=[], expected_revision=read_at)  # fmt: skip
    assert _rows() == before


def test_a_deleted_accountable_position_shows_as_a_problem(org, hr_api):
    org["positions"]["sales"].raci_assignments.all().delete()  # as a position deletion cascades
    body = hr_api.get(f"/api/v1/processes/{org['process'].pk}/").json()
    assert body["problems"] == ["2. 活动执行: no Accountable position (needs exactly one)."]
    assert [s["problem"] for s in body["steps"]] == [None, body["problems"][0], None]


# --- API --------------------------------------------------------------------------------------


class TestProcessResource(ResourceContract):
    path = "/api/v1/processes/"
    model = Process
    change = {"name": "新流程名", "name_en": "New name"}
    invalid = ({"code": "", "name": "无编码"}, "code")

    def make(self):
        return process_write(fields={"code": f"P{Process.objects.count()}", "name": "流程"})

    def create_body(self):
        return {"code": "NEW-PROC", "name": "新流程", "owner": make_unit().pk}


def test_the_api_creates_a_process_with_its_matrix_and_reads_it_back(hr_api):
    a, b = make_position(title="甲"), make_position(title="乙")
    body = {"code": "X1", "name": "流程", "steps": [
        {"name": "第一步", "name_en": "First",
         "assignments": [{"position": a.pk, "role": "A"}, {"position": b.pk, "role": "R"}]},
        {"name": "第二步", "assignments": []},
    ]}  # fmt: skip
    response = hr_api.post("/api/v1/processes/", body, format="json")
    assert response.status_code == 201, response.json()
    steps = response.json()["steps"]
    assert [(s["order"], s["name"], s["assignments"]) for s in steps] == [
        (1, "第一步", [{"position": a.pk, "role": "A"}, {"position": b.pk, "role": "R"}]), (2, "第二步", []),
    ]  # fmt: skip
    matrix = hr_api.get(f"/api/v1/processes/{response.json()['id']}/matrix/").json()
    assert [p["title"] for p in matrix["positions"]] == ["甲", "乙"] and matrix["steps"][0]["roles"] == ["A", "R"]


def test_the_api_refuses_a_matrix_without_one_accountable_with_a_400_naming_the_step(org, hr_api):
    process, p = org["process"], org["positions"]
    etag = hr_api.get(f"/api/v1/processes/{process.pk}/")["ETag"]
    before = _rows()
    steps = [{"name": "制定方案", "assignments": [{"position": p["promo"].pk, "role": "R"}]}]
    response = hr_api.patch(f"/api/v1/processes/{process.pk}/", {"steps": steps}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert "1. 制定方案" in response.json()["errors"]["steps[0].assignments"][0]
    bad = [{"name": "x", "assignments": [{"position": 987654, "role": "A"}]}, {"name": "y", "assignments": [
        {"position": p["promo"].pk, "role": "Z"}]}]  # fmt: skip
    errors = hr_api.patch(f"/api/v1/processes/{process.pk}/", {"steps": bad}, format="json").json()["errors"]
    assert set(errors) == {"steps[0].assignments[0].position", "steps[1].assignments[0].role"}
    assert _rows() == before
    assert hr_api.get(f"/api/v1/processes/{process.pk}/")["ETag"] == etag


def test_the_api_keeps_step_ids_and_replaces_the_steps_in_the_order_sent(org, hr_api):
    process = org["process"]
    steps = hr_api.get(f"/api/v1/processes/{process.pk}/").json()["steps"]
    last, first = steps[2], steps[0]
    body = {"steps": [{"id": last["id"], "name": last["name"]}, {"id": first["id"], "name": "方案", "assignments": []}]}
    assert hr_api.patch(f"/api/v1/processes/{process.pk}/", body, format="json").status_code == 200
    assert list(process.steps.order_by("order").values_list("id", "name")) == [(last["id"], "效果评估"),
                                                                               (first["id"], "方案")]  # fmt: skip
    assert process.steps.get(pk=last["id"]).assignments.count() == 2  # no `assignments`: kept
    history = hr_api.get(f"/api/v1/processes/{process.pk}/history/?limit=1000").json()["results"]
    assert {"process", "step", "RACI assignment"} <= {entry["object"] for entry in history}
    foreign = {"steps": [{"id": 987654, "name": "x"}]}
    assert "steps[0].id" in hr_api.patch(f"/api/v1/processes/{process.pk}/", foreign, format="json").json()["errors"]


def test_everyone_signed_in_reads_only_hr_writes_and_anonymous_is_refused(org, reader_api, plain_api, anon_api):
    url = f"/api/v1/processes/{org['process'].pk}/"
    assert plain_api.get("/api/v1/processes/").json()["count"] == 1
    assert plain_api.get(url).status_code == reader_api.get(url).status_code == 200
    for client in (reader_api, plain_api):
        assert client.patch(url, {"name": "越权"}, format="json").status_code == 403
        assert client.post("/api/v1/processes/", {"code": "Z", "name": "z"}, format="json").status_code == 403
        assert client.delete(url).status_code == 403
    for response in (anon_api.get(url), anon_api.get(f"{url}matrix/"), anon_api.get(f"{url}matrix/?format=xlsx")):
        assert response.status_code == 401
    assert Process.objects.get().name == "促销活动"


def _sheet(content):
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()]


def test_the_matrix_exports_to_xlsx_from_the_api_and_the_page(org, hr_api, hr_user, client):
    url = f"/api/v1/processes/{org['process'].pk}/matrix/?format=xlsx"
    response = hr_api.get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert 'filename="RACI-PROMO.xlsx"' in response["Content-Disposition"]
    rows = _sheet(response.content)
    assert rows[0][3:] == ["市场部", "促销部", "销售部", "销售部"]
    assert rows[1] == [
        "#",
        "步骤 Step",
        "Step",
        "策划经理 Planner",
        "促销经理 Promotion Manager",
        "销售经理",
        "销售代表",
    ]
    assert rows[2] == [1, "制定方案", "Plan", "R", "A", "C", None]
    assert rows[3][3:] == [None, "I", "A", "R"] and rows[4][:2] == [3, "效果评估"]
    assert "Accountable" in rows[-1][1]
    client.force_login(hr_user)
    page = client.get(f"/analytics/processes/{org['process'].pk}/matrix.xlsx")
    assert page.status_code == 200 and _sheet(page.content) == rows


# --- pages ------------------------------------------------------------------------------------


def _matrix_post(process, rows, columns, revision, **extra):
    """A matrix form as the page posts it: rows [(step id or None, name, {position: role})]."""
    data = {"revision": revision, "name": process.name, "step_count": len(rows), "column": [c.pk for c in columns]}
    for index, (step_id, name, roles) in enumerate(rows):
        data[f"step-{index}-id"] = step_id or ""
        data[f"step-{index}-name"] = name
        for position, role in roles.items():
            data[f"step-{index}-role-{position.pk}"] = role
    return {**data, **extra}


def test_the_pages_list_processes_and_show_the_matrix(org, hr_user, client):
    client.force_login(hr_user)
    listing = client.get("/analytics/processes/").content.decode()
    assert "促销活动" in listing and f"/analytics/processes/{org['process'].pk}/" in listing
    page = client.get(f"/analytics/processes/{org['process'].pk}/").content.decode()
    assert all(text in page for text in ["制定方案", "活动执行", "效果评估", "策划经理", "matrix.xlsx"])
    assert f'name="step-0-role-{org["positions"]["promo"].pk}"' in page
    client.logout()
    assert client.get("/analytics/processes/").status_code == 302


def test_hr_saves_the_matrix_from_the_page_and_a_step_without_an_accountable_is_refused(org, hr_user, client):
    process, p = org["process"], org["positions"]
    client.force_login(hr_user)
    steps = list(process.steps.order_by("order"))
    columns = [p["planner"], p["promo"], p["brand"]]
    rows = [
        (steps[0].pk, "制定方案", {p["promo"]: "A", p["brand"]: "C"}),
        (steps[2].pk, "效果评估", {p["planner"]: "R"}),
    ]
    before = _rows()
    refused = client.post(f"/analytics/processes/{process.pk}/", _matrix_post(process, rows, columns, process.revision))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "2. 效果评估 has no Accountable" in text and 'value="效果评估"' in text
    assert _rows() == before
    rows[1] = (steps[2].pk, "效果评估", {p["planner"]: "A"})
    rows.append((None, "新步骤", {p["brand"]: "A"}))
    saved = client.post(f"/analytics/processes/{process.pk}/", _matrix_post(process, rows, columns, process.revision))
    assert saved.status_code == 302
    matrix = process_matrix(process, user=hr_user)
    assert [(s["name"], s["roles"]) for s in matrix["steps"]] == [
        ("制定方案", ["", "C", "A"]), ("效果评估", ["A", "", ""]), ("新步骤", ["", "A", ""]),
    ]  # fmt: skip
    assert [c["title"] for c in matrix["positions"]] == ["策划经理", "品牌经理", "促销经理"]
    assert not ProcessStep.objects.filter(pk=steps[1].pk).exists()


def test_a_stale_page_is_refused_with_409_and_keeps_what_was_typed(org, hr_user, client):
    process, p = org["process"], org["positions"]
    client.force_login(hr_user)
    read_at = process.revision
    process_write(process=process, fields={"name_en": "Changed meanwhile"})
    step = process.steps.get(order=1)
    form = _matrix_post(process, [(step.pk, "我的改动", {p["promo"]: "A"})], [p["promo"]], read_at)
    response = client.post(f"/analytics/processes/{process.pk}/", form)
    assert response.status_code == 409
    text = response.content.decode()
    assert "我的改动" in text and f'name="revision" value="{read_at + 1}"' in text
    assert process.steps.count() == 3 and not ProcessStep.objects.filter(name="我的改动").exists()


def test_a_column_is_added_without_saving_and_only_hr_may_post(org, hr_user, client, django_user_model):
    process, p = org["process"], org["positions"]
    client.force_login(hr_user)
    form = _matrix_post(process, [], [p["promo"]], process.revision, action="add_column", add_position=p["brand"].pk)
    response = client.post(f"/analytics/processes/{process.pk}/", form)
    assert response.status_code == 200 and f'name="column" value="{p["brand"].pk}"' in response.content.decode()
    assert process.steps.count() == 3
    other = django_user_model.objects.create_user("someone", password="pw-123456789")
    client.force_login(other)
    assert client.get(f"/analytics/processes/{process.pk}/").status_code == 200
    assert "matrix-form" not in client.get(f"/analytics/processes/{process.pk}/").content.decode()
    assert client.post(f"/analytics/processes/{process.pk}/", form).status_code == 403
    assert client.post("/analytics/processes/", {"code": "N", "name": "新"}).status_code == 403


def test_hr_creates_a_process_from_the_list_and_a_duplicate_code_is_named(org, hr_user, client):
    client.force_login(hr_user)
    created = client.post("/analytics/processes/", {"code": "NEW", "name": "新流程", "owner": org["units"][0].pk})
    assert created.status_code == 302 and Process.objects.get(code="NEW").owner == org["units"][0]
    duplicate = client.post("/analytics/processes/", {"code": "NEW", "name": "又一个"})
    assert duplicate.status_code == 400 and "field-error" in duplicate.content.decode()
    assert Process.objects.filter(code="NEW").count() == 1


def test_the_position_page_lists_its_raci_roles_with_links(org, hr_user, client):
    client.force_login(hr_user)
    text = client.get(f"/positions/{org['positions']['promo'].pk}/").content.decode()
    assert 'id="raci-roles"' in text and f"/analytics/processes/{org['process'].pk}/" in text
    assert "制定方案" in text and "效果评估" in text and "Accountable" in text
    none = client.get(f"/positions/{org['positions']['brand'].pk}/").content.decode()
    assert "no role in a cross-unit process" in none


def test_the_list_runs_a_fixed_number_of_queries(org, hr_api, django_assert_max_num_queries):
    steps = [{**step, "id": None} for step in _steps_as_sent(org["process"])]
    for number in range(10):
        process_write(fields={"code": f"Q{number}", "name": "流程"}, steps=steps)
    with django_assert_max_num_queries(8):
        assert hr_api.get("/api/v1/processes/?limit=100").json()["count"] == 11


# --- the seed ---------------------------------------------------------------------------------

SEED_STEPS = ["制定促销方案", "费用预算", "资源分配", "活动执行", "终端落地", "效果评估与复盘"]


def test_the_seed_promotion_runs_across_three_units_with_one_accountable_per_step(seed_org, hr_user):
    process = Process.objects.get(code="PRC-PROMO")
    assert process.name == "促销活动从策划到效果评估" and process.owner.name == "促销与活动执行部"
    matrix = process_matrix(process, user=hr_user)
    assert [s["name"] for s in matrix["steps"]] == SEED_STEPS and all(s["name_en"] for s in matrix["steps"])
    assert all(s["roles"].count("A") == 1 and s["problem"] is None for s in matrix["steps"])
    units = {c["unit_name"] for c in matrix["positions"]}
    assert {"市场部", "促销与活动执行部", "销售部"} <= units
    titles = {c["title"] for c in matrix["positions"]}
    assert {"市场策划经理", "品牌经理", "促销经理", "活动执行经理", "终端管理经理"} <= titles
    assert {"销售部经理", "区域销售经理", "渠道经理"} <= titles
    accountable = {s["name"]: matrix["positions"][s["roles"].index("A")]["title"] for s in matrix["steps"]}
    assert accountable["终端落地"] == "终端管理经理" and accountable["效果评估与复盘"] == "促销经理"
    promo = Position.objects.get(code="PE-PRM")
    assert {r["step_name"] for r in position_raci_roles(promo)} == set(SEED_STEPS)


def test_loading_the_seed_twice_changes_no_process_row_and_writes_no_history(seed_org):
    before = _rows()
    history = [model.history.count() for model in (Process, ProcessStep, RaciAssignment)]
    call_command("seed_org", verbosity=0)
    assert _rows() == before
    assert [model.history.count() for model in (Process, ProcessStep, RaciAssignment)] == history


def test_the_admin_lists_processes_and_assignments_and_saves_through_the_service(org, hr_user, client):
    client.force_login(hr_user)
    process = org["process"]
    for url in ["/admin/analytics/process/", f"/admin/analytics/process/{process.pk}/change/",
                "/admin/analytics/process/add/", "/admin/analytics/raciassignment/?q=促销"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    form = {"code": "PROMO", "order": 0, "name": "促销活动(改)", "name_en": "", "owner": "", "description": "",
            "revision_seen": process.revision, "steps-TOTAL_FORMS": 3, "steps-INITIAL_FORMS": 3}  # fmt: skip
    for index, step in enumerate(process.steps.order_by("order", "id")):
        form[f"steps-{index}-id"], form[f"steps-{index}-process"] = step.pk, process.pk
    assert client.post(f"/admin/analytics/process/{process.pk}/change/", form).status_code == 302
    process.refresh_from_db()
    assert process.name == "促销活动(改)" and process.revision == 2 and process.steps.count() == 3
