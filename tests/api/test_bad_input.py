"""The bad input catalogue: every writable field of every resource, given what it must refuse.

For each resource a valid body is written once by hand; then each writable field of its request
schema (read from `/api/schema/`, so a new field is covered the day it is added) is replaced in
turn by values of the wrong type, empty, too long, negative, or naming an id that does not
exist. Each must be a 400 whose `errors` name that field, and nothing may be created. Then the
rules no schema can state: duplicates in one request, loops in trees, weights, scales, dates
out of order, oversized pages and bodies; and text in Chinese, emoji and HTML kept intact.
"""

import json

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from appraisal.models import Indicator
from tests.factories import make_position, make_unit

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 987654


@pytest.fixture(scope="module")
def request_schemas():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def body_of(path):
        content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return components[content["$ref"].split("/")[-1]]

    return body_of, components


@pytest.fixture
def world(db):
    """What the valid bodies refer to: a unit, a position, an indicator."""
    unit = make_unit(name="销售部")
    indicator = Indicator.objects.create(code="IND", name="销售额", dimension="ability", kind="rated")
    return {"unit": unit, "position": make_position(department=unit), "indicator": indicator}


def _valid_bodies(world):
    return {
        "departments": ("departments.Department", {"code": "N-U", "name": "新部门"}),
        "positions": ("positions.Position", {"code": "N-P", "title": "新岗位", "department": world["unit"].pk}),
        "employees": ("positions.Employee", {"employee_no": "N-E", "name": "新员工"}),
        "indicators": ("appraisal.Indicator", {"code": "N-I", "name": "新指标", "dimension": "ability",
                                               "kind": "rated", "levels": [
                                                   {"level": 1, "points": "50", "description": "一般"},
                                                   {"level": 2, "points": "100", "description": "好"}]}),
        "kpi-sets": ("appraisal.KpiSet", {"code": "N-K", "name": "新组合"}),
        "rating-bands": ("appraisal.RatingBand", {"code": "X", "name": "新档", "min_score": "10.0"}),
        "appraisal-cycles": ("appraisal.AppraisalCycle", {
            "name": "N-C", "period_start": "2027-01-01", "period_end": "2027-03-31", "self_deadline": "2027-04-10",
            "review_deadline": "2027-04-20"}),
        "processes": ("analytics.Process", {"code": "N-R", "name": "新流程"}),
    }  # fmt: skip


def _resolve(definition, components):
    if "$ref" in definition:
        return components[definition["$ref"].split("/")[-1]]
    for key in ("allOf", "oneOf"):
        if key in definition:
            return _resolve(definition[key][0], components)
    return definition


def _bad_values(definition, components):
    """(what, value) pairs the field must refuse, from its schema."""
    field = _resolve(definition, components)
    kind, bad = field.get("type"), []
    if "enum" in field:
        bad += [("not a choice", "no-such-choice"), ("wrong type", 7)]
    elif kind == "string" and field.get("format") == "decimal":
        bad += [("not a number", "twelve"), ("wrong type", 12)]
    elif kind == "string" and field.get("format") == "date":
        bad += [("not a date", "2026-13-45"), ("wrong type", 20260101)]
    elif kind == "string":
        bad += [("wrong type", 12345)]
        if field.get("maxLength"):
            bad.append(("too long", "长" * (field["maxLength"] + 1)))
        if field.get("minLength"):
            bad.append(("empty", ""))
    elif kind == "integer":
        bad += [("wrong type", "abc"), ("a fraction", 1.5), ("a boolean", True)]
        if field.get("minimum") == 0:
            bad.append(("negative", -1))
        if "maximum" not in field:  # a reference to another object
            bad.append(("unknown id", UNKNOWN_ID))
    elif kind == "boolean":
        bad += [("wrong type", "yes"), ("a number", 1)]
    elif kind == "array":
        bad += [("not a list", {"a": 1})]
        items = _resolve(field.get("items", {}), components)
        if items.get("type") == "integer":
            bad += [("unknown id in the list", [UNKNOWN_ID]), ("wrong type in the list", ["x"])]
        elif items.get("type") == "object" or "properties" in items:
            bad += [("not objects in the list", [1])]
    return bad


def test_every_writable_field_of_every_resource_refuses_bad_values_naming_the_field(world, hr_api, request_schemas):
    body_of, components = request_schemas
    failures, checked = [], 0
    for resource, (label, valid) in _valid_bodies(world).items():
        model = apps.get_model(label)
        schema = body_of(f"/api/v1/{resource}/")
        for name, definition in schema["properties"].items():
            for what, value in _bad_values(definition, components):
                before = model.objects.count()
                response = hr_api.post(f"/api/v1/{resource}/", {**valid, name: value}, format="json")
                checked += 1
                errors = response.json().get("errors", {}) if response.status_code == 400 else {}
                named = any(key == name or key.startswith((f"{name}.", f"{name}[")) for key in errors)
                if response.status_code != 400 or not named or model.objects.count() != before:
                    failures.append((resource, name, what, response.status_code, response.content[:200]))
        created = hr_api.post(f"/api/v1/{resource}/", valid, format="json")
        assert created.status_code == 201, (
            resource,
            created.content,
        )  # the body was valid: each refusal was the field's
    assert failures == [], f"{len(failures)} of {checked} bad values were not refused as they should be"
    assert checked > 150


def test_chinese_text_emoji_and_html_are_stored_and_returned_intact_and_shown_escaped(world, hr_api, hr_user, client):
    text = "营销总监 🎯 <script>alert('x')</script> & “引号”"
    created = hr_api.post(
        "/api/v1/positions/",
        {"code": "P-TXT", "title": "总监🎯<b>", "department": world["unit"].pk, "purpose": text,
         "duties": [{"category": "core", "text": text}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    read = hr_api.get(f"/api/v1/positions/{created.json()['id']}/").json()
    assert (read["title"], read["purpose"], read["duties"][0]["text"]) == ("总监🎯<b>", text, text)
    client.force_login(hr_user)
    page = client.get(f"/positions/{read['id']}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert(" not in page
    assert "总监🎯&lt;b&gt;" in page


def test_duplicates_in_one_request_are_refused_naming_the_field(world, hr_api):
    indicator = world["indicator"].pk
    items = [{"indicator": indicator, "weight": "50"}, {"indicator": indicator, "weight": "50"}]
    twice = hr_api.post("/api/v1/kpi-sets/", {"code": "K2", "name": "重复", "items": items}, format="json")
    assert twice.status_code == 400 and any(key.startswith("items") for key in twice.json()["errors"]), twice.content
    position = world["position"].pk
    step = {"name": "步骤", "assignments": [{"position": position, "role": "A"}, {"position": position, "role": "R"}]}
    both = hr_api.post("/api/v1/processes/", {"code": "R2", "name": "流程", "steps": [step]}, format="json")
    assert both.status_code == 400 and any(key.startswith("steps") for key in both.json()["errors"]), both.content
    first = hr_api.post("/api/v1/departments/", {"code": "SAME", "name": "甲"}, format="json")
    again = hr_api.post("/api/v1/departments/", {"code": "SAME", "name": "乙"}, format="json")
    assert first.status_code == 201 and again.status_code == 400 and list(again.json()["errors"]) == ["code"]


def test_rules_between_fields_are_refused_naming_the_field(world, hr_api):
    dates = {"name": "C1", "period_start": "2027-03-31", "period_end": "2027-01-01", "self_deadline": "2027-04-10",
             "review_deadline": "2027-04-20"}  # fmt: skip
    backwards = hr_api.post("/api/v1/appraisal-cycles/", dates, format="json")
    assert backwards.status_code == 400 and "period_end" in backwards.json()["errors"], backwards.content
    weights = {"results_weight": "50", "ability_weight": "20", "attitude_weight": "10"}
    uneven = hr_api.post("/api/v1/kpi-sets/", {"code": "K3", "name": "不足", **weights}, format="json")
    assert uneven.status_code == 201  # a draft may be uneven; activating it may not
    activate = hr_api.post(f"/api/v1/kpi-sets/{uneven.json()['id']}/activate/")
    assert activate.status_code == 400 and "status" in activate.json()["errors"], activate.content
    unit = world["unit"]
    child = hr_api.post("/api/v1/departments/", {"code": "CH", "name": "子", "parent": unit.pk}, format="json").json()
    loop = hr_api.patch(f"/api/v1/departments/{unit.pk}/", {"parent": child["id"]}, format="json")
    assert loop.status_code == 400 and "parent" in loop.json()["errors"], loop.content


def test_oversized_pages_and_bodies_are_refused(world, hr_api):
    page = hr_api.get("/api/v1/positions/?limit=100000")
    assert page.status_code == 400 and "limit" in page.json()["errors"]
    huge = json.dumps({"code": "BIG", "title": "大", "department": world["unit"].pk, "purpose": "字" * 3_000_000})
    response = hr_api.post("/api/v1/positions/", huge, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large", response.content[:300]
    assert not world["unit"].positions.filter(code="BIG").exists()


def test_a_time_with_an_offset_postgresql_cannot_read_is_compared_in_utc(world, hr_api):
    for path in ("/api/v1/positions/", "/api/v1/employees/all/"):
        response = hr_api.get(path, {"updated_since": "2000-01-01T00:00:00+16:00"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and "results" in json.loads(body), path  # the whole answer, read
