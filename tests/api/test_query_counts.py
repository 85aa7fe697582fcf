"""Every list and the org chart run the same number of SQL queries at 10 and at 1,000 positions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Department
from positions.models import Authority, DescriptionVersion, Duty, Employee, Position, WorkStandard

pytestmark = pytest.mark.django_db


def build_org(positions):
    """A tree of units with `positions` positions, each with parts, a holder and a version (bulk, for speed)."""
    top = Department.objects.create(code="T", name="总部", kind="headquarters")
    Department.objects.filter(pk=top.pk).update(path=f"/{top.pk}/")
    units = []
    for index in range(max(positions // 50, 2)):
        unit = Department.objects.create(code=f"U{index}", name=f"部门{index}", parent=top, depth=1)
        Department.objects.filter(pk=unit.pk).update(path=f"/{top.pk}/{unit.pk}/")
        units.append(unit)
    head = Position.objects.create(code="P0", title="总监", department=top)
    rows = [Position(code=f"P{i}", title=f"岗位{i}", department=units[i % len(units)], reports_to=head, headcount=2)
            for i in range(1, positions)]  # fmt: skip
    created = [head, *Position.objects.bulk_create(rows)]
    Duty.objects.bulk_create([Duty(position=p, text=f"职责{n}", order=n) for p in created for n in range(3)])
    Authority.objects.bulk_create([Authority(position=p, text="审批权") for p in created])
    WorkStandard.objects.bulk_create([WorkStandard(position=p, measure="满意度", target=90, unit="%") for p in created])
    Employee.objects.bulk_create([Employee(employee_no=f"E{p.pk}", name="某", position=p) for p in created])
    DescriptionVersion.objects.bulk_create(
        [DescriptionVersion(position=p, number=1, snapshot={}, source="command") for p in created]
    )
    return top


ENDPOINTS = [
    "/api/v1/positions/?limit=1000",
    "/api/v1/positions/?limit=1000&department={unit}&include_descendants=true",
    "/api/v1/employees/?limit=1000",
    "/api/v1/departments/?limit=1000",
    "/api/v1/org-chart/",
    "/api/v1/org-chart/?root={unit}",
    "/api/v1/positions/?format=csv&limit=1000",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_queries_do_not_grow_with_the_organisation(hr_api, endpoint):
    small = count_queries(hr_api, endpoint.format(unit=build_org(10).pk))
    large = count_queries(hr_api, endpoint.format(unit=_rebuild(1000).pk))
    assert small == large, (endpoint, small, large)
    assert large <= 7, (endpoint, large)


def _rebuild(positions):
    Employee.objects.all().delete()
    Position.objects.update(reports_to=None)
    Department.objects.update(head=None)
    Position.objects.all().delete()
    Department.objects.update(parent=None)
    Department.objects.all().delete()
    return build_org(positions)
