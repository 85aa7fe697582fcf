"""`…/all/`: the whole list in one streamed response, the same rows as the pages, in flat memory."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgdesign.api.viewsets import WholeListMixin
from tests.api.test_query_counts import _rebuild, build_org

pytestmark = pytest.mark.django_db


def _whole(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def _paged(client, url):
    rows, next_url = [], url
    while next_url:
        page = client.get(next_url).json()
        rows += page["results"]
        next_url = page["next"]
    return rows


@pytest.mark.parametrize("resource", ["positions", "employees", "departments"])
def test_the_whole_list_holds_the_rows_of_every_page_in_id_order(hr_api, resource, monkeypatch):
    build_org(120)
    monkeypatch.setattr(WholeListMixin, "chunk_size", 50)  # several chunks, the last one short
    whole = _whole(hr_api, f"/api/v1/{resource}/all/")
    paged = _paged(hr_api, f"/api/v1/{resource}/?limit=1000&ordering=id")
    assert whole["count"] == len(paged) == len(whole["results"]) > 100 or resource == "departments"
    assert whole["results"] == paged
    assert [row["id"] for row in whole["results"]] == sorted(row["id"] for row in paged)


def test_filters_and_search_apply_and_ordering_does_not(hr_api):
    top = build_org(120)
    unit = top.children.order_by("pk").first()
    whole = _whole(hr_api, f"/api/v1/positions/all/?department={unit.pk}&ordering=-code")
    assert {row["department"] for row in whole["results"]} == {unit.pk}
    assert [row["id"] for row in whole["results"]] == sorted(row["id"] for row in whole["results"])
    assert _whole(hr_api, "/api/v1/positions/all/?search=P1")["count"] == len(
        _paged(hr_api, "/api/v1/positions/?search=P1&limit=1000")
    )
    bad = hr_api.get("/api/v1/positions/all/?department=abc")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["department"]


def test_a_reader_gets_only_what_they_may_see(seed_org_demo):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from orgdesign.services import api_token_create
    from positions.models import Employee
    from positions.services import employee_update

    manager = get_user_model().objects.create_user("sales_manager")
    holder = Employee.objects.filter(position__title="销售部经理", active=True).order_by("employee_no").first()
    employee_update(employee=holder, user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=manager, name='t').key}")
    whole = _whole(client, "/api/v1/positions/all/")
    assert whole["results"] == _paged(client, "/api/v1/positions/?limit=1000&ordering=id")
    assert 0 < whole["count"] < 32
    assert APIClient().get("/api/v1/positions/all/", HTTP_AUTHORIZATION="Token wrong").status_code == 401
    assert APIClient().get("/api/v1/positions/all/").status_code == 401


def test_queries_grow_only_with_the_number_of_chunks(hr_api, monkeypatch):
    monkeypatch.setattr(WholeListMixin, "chunk_size", 100)

    def queries(positions):
        _rebuild(positions)
        with CaptureQueriesContext(connection) as captured:
            body = _whole(hr_api, "/api/v1/positions/all/")
        assert body["count"] == positions
        return len(captured)

    # 150 and 190 positions are two chunks each, 250 three (a chunk: rows, counts, versions, three parts).
    assert queries(150) == queries(190)
    assert queries(250) == queries(190) + 6
