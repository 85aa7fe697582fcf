"""Every page × every role, on the seed organisation, from one declared table.

Objects are picked inside 销售部 so that the sales manager may see them and the market manager
may not. `ok` is 200. A page a role may not open answers 403 (a page of a kind the role never
uses) or 404 (an object outside what the role may see, so ids cannot be probed); anonymous
visitors are sent to the login page. The table must name every page the site has.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from analytics.models import Process
from appraisal.models import Appraisal
from departments.models import Department
from positions.models import Position

pytestmark = pytest.mark.django_db

OK, LOGIN = 200, "login"
ROLES = ["sales_manager", "market_manager", "rep", "reader", "anonymous", "hr"]


def everyone(expected_for_signed_in, **overrides):
    table = dict.fromkeys(ROLES, expected_for_signed_in)
    table["anonymous"] = LOGIN
    table.update(overrides)
    return table


IN_SALES = everyone(OK, market_manager=404)  # the organisation where 销售部 is seen
HR_PAGE = everyone(403, hr=OK)

PAGES = {
    "home": ("/", everyone(OK)),
    "org-chart-page": ("/org-chart/", everyone(OK)),
    "org-chart-branch": ("/org-chart/units/{unit}/", IN_SALES),
    "unit-page": ("/units/{unit}/", IN_SALES),
    "unit-descriptions-docx": ("/units/{unit}/descriptions.docx", IN_SALES),
    "position-page": ("/positions/{position}/", IN_SALES),
    "description-edit": ("/positions/{position}/description/edit/", everyone(403, market_manager=404, hr=OK)),
    "description-review": (
        "/positions/{position}/description/review/",  # no draft in review: back to the page
        everyone(403, sales_manager=302, market_manager=404, hr=302),
    ),
    "position-docx": ("/positions/{position}/description.docx", IN_SALES),
    "version-list": ("/positions/{position}/versions/", IN_SALES),
    "version-compare": ("/positions/{position}/versions/compare/", IN_SALES),
    "version-detail": ("/positions/{position}/versions/{version}/", IN_SALES),
    "description-reviews": ("/reviews/", everyone(403, sales_manager=OK, market_manager=OK, hr=OK)),
    "appraisals-page": ("/appraisals/", everyone(OK)),
    "appraisal-page": ("/appraisals/{appraisal}/", everyone(404, sales_manager=OK, hr=OK)),
    "appraisal-preview": ("/appraisals/{appraisal}/preview/", everyone(404, sales_manager=OK, hr=OK)),
    "appraisal-pdf": ("/appraisals/{appraisal}/appraisal.pdf", everyone(404, sales_manager=OK, hr=OK)),
    "appeals-page": ("/appeals/", HR_PAGE),
    "appeal-page": ("/appeals/{appeal}/", everyone(404, hr=OK)),
    "cycles-page": ("/cycles/", HR_PAGE),
    "cycle-page": ("/cycles/{cycle}/", HR_PAGE),
    "cycle-calibration": ("/cycles/{cycle}/calibration/", HR_PAGE),
    "cycle-results": ("/cycles/{cycle}/results/", HR_PAGE),
    "cycle-results-export": ("/cycles/{cycle}/results.xlsx", HR_PAGE),
    "analytics-page": ("/analytics/", everyone(OK)),
    "duty-overlap-page": ("/analytics/duty-overlap/", everyone(OK)),
    "description-lint-page": ("/analytics/description-lint/", everyone(OK)),
    "structure-page": ("/analytics/structure/", everyone(OK)),
    "headcount-page": ("/analytics/headcount/", everyone(OK)),
    "processes-page": ("/analytics/processes/", everyone(OK)),
    "process-page": ("/analytics/processes/{process}/", everyone(OK)),
    "process-xlsx": ("/analytics/processes/{process}/matrix.xlsx", everyone(OK)),
    "transfer-page": ("/transfer/", HR_PAGE),
}
# Pages that are not places to go: signing in and out, the icon, and an import's own job pages
# (reached by an unguessable token that only HR is given; tests/transfer covers them).
NOT_PAGES = {"login", "logout", None, "transfer-download", "transfer-job", "transfer-progress"}


def _ids(matrix):
    from appraisal.services import appeal_file

    closed = Appraisal.objects.get(
        cycle__name="2026-Q2", employee=matrix["appraisal_of"]["区域销售经理"].employee, state="acknowledged"
    )
    position = Position.objects.get(title="渠道经理")
    return {
        "appeal": appeal_file(appraisal=closed, grounds="申诉").pk,
        "unit": Department.objects.get(name="销售部").pk,
        "position": position.pk,
        "version": position.versions.order_by("number").values_list("number", flat=True).first() or 1,
        "cycle": matrix["cycle"].pk,
        "appraisal": matrix["appraisal_of"]["区域销售经理"].pk,
        "process": Process.objects.get(code="PRC-PROMO").pk,
    }


def _page_names(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if not str(pattern.pattern).startswith(("api/", "admin/", "i18n/")):
                yield from _page_names(pattern.url_patterns)
        elif not str(pattern.pattern).startswith(("api/", "admin/")):
            yield pattern.name


def test_the_table_names_every_page():
    assert sorted(set(_page_names()) - set(PAGES) - NOT_PAGES) == []


def test_every_page_for_every_role(matrix):
    ids = _ids(matrix)
    clients = {role: Client() for role in ROLES}
    for role, user in matrix["users"].items():
        clients[role].force_login(user)
    failures = []
    for name, (path, expected) in PAGES.items():
        url = path.format(**ids)
        for role in ROLES:
            response = clients[role].get(url)
            want = expected[role]
            if want == LOGIN:
                good = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
            else:
                good = response.status_code == want
            if not good:
                failures.append((name, role, response.status_code, want))
    assert failures == [], "\n".join(map(str, failures))
