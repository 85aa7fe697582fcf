import pytest

from positions.models import Duty, Position
from tests.factories import make_employee, make_position, make_unit

pytestmark = pytest.mark.django_db

DESCRIPTION = {
    "duties": [
        {
            "category": "core",
            "title": "制定品牌策略",
            "text": "制定品牌策略和品牌规划。",
            "text_en": "Set brand strategy.",
        },
        {"category": "auxiliary", "text": "协助市场活动。"},
    ],
    "authorities": [{"text": "品牌推广预算50万元以内的审批权。"}],
    "standards": [{"measure": "品牌知名度", "target": "80", "unit": "%", "duty_index": 0}],
}


def test_a_position_and_its_description_are_written_in_one_request(hr_api):
    unit = make_unit()
    boss = make_position(department=unit)
    body = {"code": "BR-M", "title": "品牌经理", "title_en": "Brand Manager", "department": unit.pk,
            "reports_to": boss.pk, "grade": 7, "headcount": 1, "is_key": True, "purpose": "提升品牌。",
            **DESCRIPTION}  # fmt: skip
    response = hr_api.post("/api/v1/positions/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [d["text"] for d in data["duties"]] == ["制定品牌策略和品牌规划。", "协助市场活动。"]
    assert [d["category"] for d in data["duties"]] == ["core", "auxiliary"]
    assert data["authorities"][0]["text"] == "品牌推广预算50万元以内的审批权。"
    standard = data["standards"][0]
    assert (standard["target"], standard["unit"], standard["duty_index"]) == ("80.0000", "%", 0)
    assert standard["duty"] == data["duties"][0]["id"]
    assert (data["version"], data["filled"], data["vacant"], data["reports_to"]) == (1, 0, 1, boss.pk)


def test_parts_with_an_id_are_changed_in_place_and_left_out_ones_removed(hr_api):
    position = make_position()
    created = hr_api.patch(f"/api/v1/positions/{position.pk}/", DESCRIPTION, format="json").json()
    first, second = created["duties"]
    response = hr_api.patch(
        f"/api/v1/positions/{position.pk}/",
        {
            "duties": [
                {"id": second["id"], "text": "协助市场活动(改)。"},
                {"text": "新增临时任务。", "category": "temporary"},
            ]
        },
        format="json",
    )
    duties = response.json()["duties"]
    assert duties[0]["id"] == second["id"] and duties[0]["text"] == "协助市场活动(改)。"
    assert duties[1]["category"] == "temporary"
    assert not Duty.objects.filter(pk=first["id"]).exists()
    assert response.json()["version"] == 2
    assert response.json()["authorities"] == created["authorities"], "parts not sent stay as they were"


def test_a_nested_write_that_fails_saves_nothing(hr_api):
    position = make_position(title="原名")
    hr_api.patch(f"/api/v1/positions/{position.pk}/", DESCRIPTION, format="json")
    before = list(Duty.objects.filter(position=position).values_list("text", flat=True))
    body = {"title": "新名", "duties": [{"text": "好的职责"}], "standards": [{"measure": "x", "duty_index": 5}]}
    response = hr_api.patch(f"/api/v1/positions/{position.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "standards[0].duty_index": ["There is no duty number 5; the description has 1 duties, counted from 0."]
    }
    position.refresh_from_db()
    assert position.title == "原名"
    assert list(Duty.objects.filter(position=position).values_list("text", flat=True)) == before
    assert position.versions.count() == 1


def test_a_part_error_names_the_part_and_field(hr_api):
    position = make_position()
    response = hr_api.patch(
        f"/api/v1/positions/{position.pk}/", {"duties": [{"text": "好"}, {"text": ""}]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["duties[1].text"]


def test_a_part_id_of_another_position_is_refused(hr_api):
    other = make_position()
    foreign = Duty.objects.create(position=other, text="别人的")
    position = make_position()
    response = hr_api.patch(
        f"/api/v1/positions/{position.pk}/", {"duties": [{"id": foreign.pk, "text": "偷来的"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"duties[0].id": [f"No part with id {foreign.pk} belongs to this position."]}
    assert Duty.objects.get(pk=foreign.pk).text == "别人的"


def test_a_reporting_cycle_is_refused_with_the_chain(hr_api):
    top = make_position(title="总监")
    middle = make_position(title="经理", reports_to=top)
    bottom = make_position(title="专员", reports_to=middle)
    response = hr_api.patch(f"/api/v1/positions/{top.pk}/", {"reports_to": bottom.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reports_to"] == [
        "A position cannot report to itself or to anyone below it: 总监 → 专员 → 经理 → 总监."
    ]


def test_an_unknown_unit_id_says_so(hr_api):
    position = make_position()
    response = hr_api.patch(f"/api/v1/positions/{position.pk}/", {"department": 424242}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"department": ["There is no unit with id 424242."]}


def test_a_wrong_type_names_the_field(hr_api):
    position = make_position()
    response = hr_api.patch(f"/api/v1/positions/{position.pk}/", {"headcount": "many"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["headcount"]


def test_headcount_below_holders_is_refused(hr_api):
    position = make_position(headcount=2)
    make_employee(position=position)
    make_employee(position=position)
    response = hr_api.patch(f"/api/v1/positions/{position.pk}/", {"headcount": 1}, format="json")
    assert response.status_code == 400
    assert "headcount" in response.json()["errors"]


def test_a_duplicate_code_is_refused(hr_api):
    make_position(code="DUP")
    response = hr_api.post(
        "/api/v1/positions/", {"code": "DUP", "title": "重复", "department": make_unit().pk}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["code"]


def test_an_api_write_is_recorded_as_a_version_with_its_author(hr_api, hr_user):
    position = make_position()
    hr_api.patch(f"/api/v1/positions/{position.pk}/", DESCRIPTION, format="json")
    version = position.versions.first()
    assert (version.number, version.source, version.author) == (1, "api", hr_user)


def test_deleting_a_position_others_report_to_is_a_409(hr_api):
    boss = make_position()
    make_position(reports_to=boss)
    response = hr_api.delete(f"/api/v1/positions/{boss.pk}/")
    assert response.status_code == 409
    assert "report to" in response.json()["detail"]
    assert Position.objects.filter(pk=boss.pk).exists()


def test_deleting_a_unit_with_positions_is_a_409(hr_api):
    unit = make_unit(name="销售部")
    make_position(department=unit)
    response = hr_api.delete(f"/api/v1/departments/{unit.pk}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "销售部 still has positions; move or delete them first.", "code": "conflict"}


def test_a_unit_cycle_is_refused_with_the_chain(hr_api):
    top = make_unit(name="甲")
    child = make_unit(name="乙", parent=top)
    response = hr_api.patch(f"/api/v1/departments/{top.pk}/", {"parent": child.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["parent"] == ["A unit cannot be placed below itself: 甲 → 乙 → 甲."]


def test_a_full_employee_position_is_refused(hr_api):
    position = make_position(headcount=1, title="客服经理")
    make_employee(position=position)
    response = hr_api.post(
        "/api/v1/employees/", {"employee_no": "E9", "name": "某", "position": position.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"position": ["客服经理 is full: 1 of 1 planned seats are taken."]}
