"""Every API endpoint and method × every role, on the seed organisation.

Objects are picked inside 销售部 so that the sales manager may see them and the market manager
may not. `ok` means served (any status but 401/403/404, never a 5xx): the role reached the
operation, even if the body or the state then refused it with 400 or 409.
"""

import pytest

from analytics.models import Process
from appraisal.models import AppraisalCycle, Indicator, KpiSet, RatingBand
from departments.models import Department
from positions.models import Employee, Position

pytestmark = pytest.mark.django_db

OK = "ok"
ROLES = ["sales_manager", "market_manager", "rep", "reader", "anonymous", "hr"]  # HR last: its writes stick


def everyone(expected_for_signed_in, **overrides):
    table = dict.fromkeys(ROLES, expected_for_signed_in)
    table["anonymous"] = 401
    table.update(overrides)
    return table


HR_ONLY_WRITE = everyone(403, hr=OK)
ORG_READ = everyone(OK, market_manager=404)
ORG_DETAIL_WRITE = everyone(403, hr=OK)
LIBRARY_WRITE = everyone(403, hr=OK)

ENDPOINTS = [
    ("get", "/api/v1/departments/", None, everyone(OK)),
    ("post", "/api/v1/departments/", {"code": "N1", "name": "新"}, HR_ONLY_WRITE),
    ("get", "/api/v1/departments/all/", None, everyone(OK)),
    ("get", "/api/v1/departments/{unit}/", None, ORG_READ),
    ("put", "/api/v1/departments/{unit}/", {"code": "MKT-SA", "name": "销售部"}, ORG_DETAIL_WRITE),
    ("patch", "/api/v1/departments/{unit}/", {"name": "销售部"}, ORG_DETAIL_WRITE),
    ("delete", "/api/v1/departments/{unit}/", None, ORG_DETAIL_WRITE),
    ("get", "/api/v1/departments/{unit}/history/", None, ORG_READ),
    ("get", "/api/v1/positions/", None, everyone(OK)),
    ("get", "/api/v1/positions/?format=csv", None, everyone(OK)),
    ("post", "/api/v1/positions/", {"code": "N2", "title": "新", "department": 1}, HR_ONLY_WRITE),
    ("get", "/api/v1/positions/all/", None, everyone(OK)),
    ("get", "/api/v1/positions/{position}/", None, ORG_READ),
    ("put", "/api/v1/positions/{position}/", {"code": "SA-CHM", "title": "渠道经理", "department": 1},
     ORG_DETAIL_WRITE),
    ("patch", "/api/v1/positions/{position}/", {"title_en": "Channel Manager"}, ORG_DETAIL_WRITE),
    ("delete", "/api/v1/positions/{position}/", None, ORG_DETAIL_WRITE),
    ("get", "/api/v1/positions/{position}/history/", None, ORG_READ),
    ("get", "/api/v1/employees/", None, everyone(OK)),
    ("get", "/api/v1/employees/?format=csv", None, everyone(OK)),
    ("post", "/api/v1/employees/", {"employee_no": "N3", "name": "新人"}, HR_ONLY_WRITE),
    ("get", "/api/v1/employees/all/", None, everyone(OK)),
    ("get", "/api/v1/employees/{person}/", None, everyone(OK, market_manager=404, rep=404)),
    ("put", "/api/v1/employees/{person}/", {"employee_no": "X", "name": "某"}, everyone(403, hr=OK)),
    ("patch", "/api/v1/employees/{person}/", {"email": "a@example.com"}, everyone(403, hr=OK)),
    ("delete", "/api/v1/employees/{person}/", None, everyone(403, hr=OK)),
    ("get", "/api/v1/employees/{person}/history/", None, everyone(OK, market_manager=404, rep=404)),
    ("get", "/api/v1/org-chart/", None, everyone(OK)),
    ("get", "/api/v1/analytics/duty-overlap/", None, everyone(OK)),
    ("get", "/api/v1/analytics/description-lint/", None, everyone(OK)),
    ("get", "/api/v1/processes/", None, everyone(OK)),
    ("post", "/api/v1/processes/", {"code": "N6", "name": "新"}, HR_ONLY_WRITE),
    ("get", "/api/v1/processes/{process}/", None, everyone(OK)),
    ("put", "/api/v1/processes/{process}/", {"code": "PRC-PROMO", "name": "促销"}, HR_ONLY_WRITE),
    ("patch", "/api/v1/processes/{process}/", {"name_en": "X"}, HR_ONLY_WRITE),
    ("get", "/api/v1/processes/{process}/history/", None, everyone(OK)),
    ("get", "/api/v1/processes/{process}/matrix/", None, everyone(OK)),
    ("get", "/api/v1/processes/{process}/matrix/?format=xlsx", None, everyone(OK)),
    ("delete", "/api/v1/processes/{process}/", None, HR_ONLY_WRITE),
    ("get", "/api/v1/analytics/spans-and-layers/", None, everyone(OK)),
    ("get", "/api/v1/analytics/spans-and-layers.xlsx", None, everyone(OK)),
    ("get", "/api/v1/analytics/headcount/", None, everyone(OK)),
    ("get", "/api/v1/analytics/headcount.xlsx", None, everyone(OK)),
    ("get", "/api/v1/export/organisation.xlsx", None, everyone(403, reader=OK, hr=OK)),
    ("get", "/api/v1/export/positions.csv", None, everyone(403, reader=OK, hr=OK)),
    ("get", "/api/v1/changes/?since=2020-01-01T00:00:00Z", None, everyone(OK)),
    ("get", "/api/v1/indicators/", None, everyone(OK)),
    ("post", "/api/v1/indicators/", {"code": "N4"}, LIBRARY_WRITE),
    ("get", "/api/v1/indicators/{indicator}/", None, everyone(OK)),
    ("put", "/api/v1/indicators/{indicator}/", {"code": "X"}, LIBRARY_WRITE),
    ("patch", "/api/v1/indicators/{indicator}/", {"name_en": "X"}, LIBRARY_WRITE),
    ("delete", "/api/v1/indicators/{indicator}/", None, LIBRARY_WRITE),
    ("get", "/api/v1/kpi-sets/", None, everyone(OK)),
    ("post", "/api/v1/kpi-sets/", {"code": "N5", "name": "新"}, LIBRARY_WRITE),
    ("get", "/api/v1/kpi-sets/{kpi_set}/", None, ORG_READ),  # where its positions are
    ("put", "/api/v1/kpi-sets/{kpi_set}/", {"code": "X", "name": "X"}, LIBRARY_WRITE),
    ("patch", "/api/v1/kpi-sets/{kpi_set}/", {"name_en": "X"}, LIBRARY_WRITE),
    ("post", "/api/v1/kpi-sets/{kpi_set}/activate/", None, LIBRARY_WRITE),
    ("post", "/api/v1/kpi-sets/{kpi_set}/retire/", None, LIBRARY_WRITE),
    ("delete", "/api/v1/kpi-sets/{kpi_set}/", None, LIBRARY_WRITE),
    ("get", "/api/v1/rating-bands/", None, everyone(OK)),
    ("post", "/api/v1/rating-bands/", {"code": "E"}, LIBRARY_WRITE),
    ("get", "/api/v1/rating-bands/{band}/", None, everyone(OK)),
    ("put", "/api/v1/rating-bands/{band}/", {"code": "S"}, LIBRARY_WRITE),
    ("patch", "/api/v1/rating-bands/{band}/", {"name_en": "X"}, LIBRARY_WRITE),
    ("delete", "/api/v1/rating-bands/{band}/", None, LIBRARY_WRITE),
    ("get", "/api/v1/appraisal-cycles/", None, everyone(OK)),
    ("post", "/api/v1/appraisal-cycles/", {"name": "X"}, everyone(403, hr=OK)),
    ("get", "/api/v1/appraisal-cycles/{cycle}/", None, everyone(OK, market_manager=OK, reader=404)),
    ("put", "/api/v1/appraisal-cycles/{cycle}/", {"name": "X"}, everyone(403, reader=404, hr=OK)),
    ("patch", "/api/v1/appraisal-cycles/{cycle}/", {"name": "2026-Q3"}, everyone(403, reader=404, hr=OK)),
    ("get", "/api/v1/appraisal-cycles/{cycle}/results/", None, everyone(403, reader=404, hr=OK)),
    ("get", "/api/v1/appraisal-cycles/{cycle}/distribution/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/open/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/start-calibration/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/close/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/reopen/", {"reason": "x"}, everyone(403, reader=404, hr=OK)),
    ("get", "/api/v1/appraisal-cycles/{cycle}/open-preview/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/release-results/", None, everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/send-back/", {"appraisals": [1], "reason": "x"},
     everyone(403, reader=404, hr=OK)),
    ("post", "/api/v1/appraisal-cycles/{cycle}/calibrate/", {"moves": [{"appraisal": 1, "band": "A"}], "reason": "x"},
     everyone(403, reader=404, hr=OK)),
    ("delete", "/api/v1/appraisal-cycles/{cycle}/", None, everyone(403, reader=404, hr=OK)),
    ("get", "/api/v1/appraisals/", None, everyone(OK)),
    ("get", "/api/v1/appraisals/{appraisal}/", None, everyone(404, sales_manager=OK, hr=OK)),
    ("put", "/api/v1/appraisals/{appraisal}/", {}, everyone(404, sales_manager=OK, reader=404, hr=OK)),
    ("patch", "/api/v1/appraisals/{appraisal}/", {}, everyone(404, sales_manager=OK, hr=OK)),
    ("get", "/api/v1/appraisals/{appraisal}/history/", None, everyone(404, sales_manager=OK, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/submit-self/", None, everyone(404, sales_manager=403, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/submit-review/", None, everyone(404, sales_manager=OK, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/calibrate/", {"band": "A", "reason": "x"},
     everyone(404, sales_manager=403, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/acknowledge/", {}, everyone(404, sales_manager=403, hr=403)),
    ("post", "/api/v1/appraisals/{appraisal}/recall/", None, everyone(404, sales_manager=OK, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/resolve-objection/", {"resolution": "x"},
     everyone(404, sales_manager=403, hr=OK)),
    ("post", "/api/v1/appraisals/{appraisal}/appeal/", {"grounds": "x"}, everyone(404, sales_manager=403, hr=403)),
    ("get", "/api/v1/appeals/", None, everyone(OK)),
    ("get", "/api/v1/appeals/{appeal}/", None, everyone(404, hr=OK)),
    ("post", "/api/v1/appeals/{appeal}/assign/", {"decider": None}, everyone(404, hr=OK)),
    ("post", "/api/v1/appeals/{appeal}/decide/", {"outcome": "upheld", "decision": "x"}, everyone(404, hr=OK)),
    ("post", "/api/v1/appraisals/", {}, everyone(405, anonymous=401)),
    ("delete", "/api/v1/appraisals/{appraisal}/", None, everyone(405, anonymous=401)),
]  # fmt: skip

READ_ONLY_TOKEN_WRITE = {"reader"}


def _ids(matrix):
    from appraisal.models import Appraisal
    from appraisal.services import appeal_file

    closed = Appraisal.objects.get(
        cycle__name="2026-Q2", employee=matrix["appraisal_of"]["区域销售经理"].employee, state="acknowledged"
    )
    return {
        "appeal": appeal_file(appraisal=closed, grounds="申诉").pk,
        "unit": Department.objects.get(name="销售部").pk,
        "position": Position.objects.get(title="渠道经理").pk,
        "person": Employee.objects.filter(position__title="渠道专员").order_by("employee_no").first().pk,
        "indicator": Indicator.objects.order_by("pk").first().pk,
        "kpi_set": KpiSet.objects.filter(positions__title="销售代表").order_by("pk").first().pk,
        "band": RatingBand.objects.get(code="D").pk,
        "cycle": AppraisalCycle.objects.get(name="2026-Q3").pk,
        "appraisal": matrix["appraisal_of"]["区域销售经理"].pk,
        "process": Process.objects.get(code="PRC-PROMO").pk,
    }


def test_every_endpoint_for_every_role(matrix):
    """One pass over the table; each row runs in a savepoint that is rolled back, so rows do not see each other."""
    from django.db import transaction

    ids = _ids(matrix)
    failures = []
    for method, path, body, expected in ENDPOINTS:
        url = path.format(**ids)
        with transaction.atomic():
            for role in ROLES:
                client = matrix["clients"][role]
                call = getattr(client, method)
                response = call(url, body, format="json") if body is not None else call(url)
                status = response.status_code
                want = expected[role]
                if role in READ_ONLY_TOKEN_WRITE and method != "get":
                    want = 403  # a read-only token is refused before any object is looked up: nothing to probe
                served = status < 500 and status not in (401, 403, 404)
                if (want == OK and not served) or (want != OK and status != want):
                    failures.append((role, method, url, status, want, response.content[:160]))
            transaction.set_rollback(True)
    assert failures == []


PUBLIC = {("post", "/api/v1/auth/token/")}  # exchanging a password for a token: see tests/access/test_tokens.py


def test_the_table_declares_every_operation_of_the_schema():
    """A new endpoint fails here until its expected answer for every role is declared above."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    declared = [(method, path.split("?")[0]) for method, path, _body, _expected in ENDPOINTS]
    undeclared = []
    for template, operations in schema["paths"].items():
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template)) + "$")
        for method in set(operations) & {"get", "post", "put", "patch", "delete"}:
            if (method, template) in PUBLIC:
                continue
            if not any(m == method and pattern.match(path) for m, path in declared):
                undeclared.append((method, template))
    assert undeclared == []
