"""The benchmark suite compares like with like: each floor builds exactly the document our endpoint serves."""

import json

import pytest
from django.db import connection

from benchmarks import floors
from benchmarks.report import tables
from orgdesign.transfer.generate import generate
from orgdesign.transfer.load import apply, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(db):
    apply(make_plan(generate(positions=300, employees=700, seed=2), check_fields=False))


def _body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("url", "by_values", "by_sql"), [
    ("/api/v1/org-chart/", floors.org_chart_values, floors.org_chart_sql),
    ("/api/v1/positions/all/", floors.positions_values, floors.positions_sql),
])  # fmt: skip
def test_each_floor_builds_the_endpoints_document(organisation, hr_api, url, by_values, by_sql):
    ours = _body(hr_api.get(url))
    assert ours == by_values()  # the same bytes
    assert floors.same_document(ours, by_values())
    if connection.vendor == "postgresql":
        assert floors.same_document(ours, by_sql())
        assert not floors.same_document(ours, by_values().replace(b'"code":"P000001"', b'"code":"X"'))


PAGES = ("positions_page_50", "position_detail", "employees_page_50", "org_chart_first_level")


def test_the_report_shows_each_figure_against_its_target():
    document = {"url": "/api/v1/org-chart/", "bytes": 10**6, "same_document": {"values": True}, "endpoint": 0.2,
                "floor_values": 0.1, "floor": 0.1, "ratio": 2.0}  # fmt: skip
    result = {
        "database": "PostgreSQL 15.19", "size": 10000, "people": 50000, "documents": {"org_chart": document},
        "pages": dict.fromkeys(PAGES, 9.5),
        "generate": {"seconds": 20.0, "peak_mb": 300.0}, "import": None,
        "memory": {name: {"rss_peak_mb": 200.0, "rss_before_mb": 80.0} for name in ("org_chart", "positions_all")},
        "whole_organisation": {"seconds": 1.2, "queries": 23, "paged_employees_seconds": 0.9},
        "queries": {"/api/v1/org-chart/": 6},
        "duty_overlap": {"seconds": 1.4, "cached_seconds": 0.7, "findings": 2214, "duties": 59930, "clauses": 1354,
                         "similar_pairs": 6500},
    }  # fmt: skip
    machine = {"cpu": "x", "cores": 2, "memory": "24 GiB", "os": "Linux", "python": "3.11", "django": "5.2"}
    report = {"date": "2026-11-29", "runs": 7, "seconds": 600, "results": [result], "machine": machine}
    text = tables(json.loads(json.dumps(report)))
    assert "**2.00** ✗" in text and "| 9.5 |" in text and "| `/api/v1/org-chart/` | 6 | ✓ |" in text
    assert "| 59,930 | 1,354 | 6,500 | 2,214 | 1.40 s | 0.70 s |" in text
