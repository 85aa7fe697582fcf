"""The pages around the descriptions: home, org chart, unit page, sign-in, language, access."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Department
from departments.views import OrgChartView
from positions.models import Position
from tests.factories import make_employee, make_position, make_unit

pytestmark = pytest.mark.django_db


def chart_codes(html):
    return re.findall(r'data-position="([^"]+)"', html)


@pytest.mark.parametrize(
    "name, args",
    [("home", []), ("org-chart-page", []), ("description-reviews", []), ("position-page", [1]), ("unit-page", [1]),
     ("description-edit", [1]), ("version-list", [1]), ("position-docx", [1]), ("unit-descriptions-docx", [1])],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in(db, name, args):
    url = reverse(name, args=args)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_signing_in_leads_home(people):
    client = Client()
    response = client.post(reverse("login"), {"username": "hr", "password": "pages-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    bad = Client().post(reverse("login"), {"username": "hr", "password": "wrong"})
    assert bad.status_code == 200 and "correct username and password" in bad.content.decode()


def test_the_org_chart_shows_every_position_of_the_seed(client_for):
    html = client_for("hr").get(reverse("org-chart-page")).content.decode()
    assert sorted(chart_codes(html)) == sorted(Position.objects.values_list("code", flat=True))
    assert len(chart_codes(html)) == 32
    product_specialist = re.search(r'data-title="产品专员".*?</li>', html, flags=re.S).group(0)
    assert "2/3" in product_specialist and "1 vacant" in product_specialist


def test_a_manager_sees_the_chart_of_their_unit_only(client_for):
    html = client_for("market_manager").get(reverse("org-chart-page")).content.decode()
    codes = chart_codes(html)
    assert set(codes) == set(Position.objects.filter(department__code="MKT-MR").values_list("code", flat=True))


def test_a_large_organisation_loads_branches_on_demand(client_for, monkeypatch):
    hq = Department.objects.get(code="MKT")
    deep = make_unit(parent=make_unit(parent=Department.objects.get(code="MKT-SA"), code="L2"), code="L3")
    make_position(department=deep, code="DEEP-1")
    monkeypatch.setattr(OrgChartView, "inline_limit", 10)
    client = client_for("hr")
    html = client.get(reverse("org-chart-page")).content.decode()
    assert "DEEP-1" not in html, "units below the first level are not drawn yet"
    l2 = Department.objects.get(code="L2")
    assert f'hx-get="{reverse("org-chart-branch", args=[Department.objects.get(code="MKT-SA").pk])}"' in html
    branch = client.get(reverse("org-chart-branch", args=[Department.objects.get(code="MKT-SA").pk]))
    assert 'data-unit="L2"' in branch.content.decode() and "DEEP-1" not in branch.content.decode()
    assert 'data-unit="L3"' not in branch.content.decode()
    deeper = client.get(reverse("org-chart-branch", args=[l2.pk])).content.decode()
    assert 'data-unit="L3"' in deeper and "DEEP-1" in deeper
    assert hq.code in html


def test_the_org_chart_reads_in_a_fixed_number_of_queries(client_for):
    client = client_for("hr")
    client.get(reverse("org-chart-page"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("org-chart-page"))
    unit = make_unit(parent=Department.objects.get(code="MKT-SA"))
    for n in range(20):
        make_position(department=unit, code=f"MORE-{n}")
    with CaptureQueriesContext(connection) as larger:
        client.get(reverse("org-chart-page"))
    assert len(larger.captured_queries) == len(small.captured_queries)


def test_the_position_page_has_the_four_parts_and_holders(client_for, brand_manager):
    html = client_for("hr").get(reverse("position-page", args=[brand_manager.pk])).content.decode()
    for part in ('id="basic"', 'id="duties"', 'id="authorities"', 'id="standards"', 'id="holders"'):
        assert part in html
    assert "市场部经理" in html and "品牌专员" in html, "superior and subordinates"
    assert brand_manager.holders.get().name in html
    for duty in brand_manager.duties.all():
        assert duty.text in html


def test_the_unit_page_lists_its_positions(client_for):
    unit = Department.objects.get(code="MKT-MR")
    html = client_for("hr").get(reverse("unit-page", args=[unit.pk])).content.decode()
    for title in unit.positions.values_list("title", flat=True):
        assert title in html
    assert client_for("rep").get(reverse("unit-page", args=[unit.pk])).status_code == 404


def test_home_shows_hr_the_state_of_the_organisation(client_for):
    html = client_for("hr").get(reverse("home")).content.decode()
    assert 'data-count="positions">32<' in html
    assert 'id="vacancies"' in html and 'id="reviews"' in html
    assert "2026-Q3" in html, "the open cycle's progress"


def test_home_shows_an_employee_their_own_position(client_for):
    html = client_for("brand_specialist").get(reverse("home")).content.decode()
    assert "品牌专员" in html and 'id="vacancies"' not in html and 'id="reviews"' not in html


def home_counts(client):
    html = client.get(reverse("home")).content.decode()
    return {name: int(n) for name, n in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def unit_seats(unit_id):
    """The seats of a unit counted position by position."""
    seats = [
        (p.headcount, p.holders.filter(active=True).count()) for p in Position.objects.filter(department_id=unit_id)
    ]
    return {
        "planned": sum(planned for planned, _filled in seats),
        "filled": sum(filled for _planned, filled in seats),
        "vacant": sum(max(planned - filled, 0) for planned, filled in seats),
    }


def test_home_counts_the_seats_of_an_employees_whole_unit(client_for, people):
    unit_id = people["brand_specialist"].employee.position.department_id
    client = client_for("brand_specialist")
    truth = unit_seats(unit_id)
    assert truth["filled"] > 1, "the seed has colleagues in the unit"
    assert {key: home_counts(client)[key] for key in truth} == truth
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    unit = Department.objects.get(pk=unit_id)
    for n in range(3):
        make_employee(position=make_position(department=unit, code=f"SEAT-{n}", headcount=2))
    Position.objects.filter(code="SEAT-0").update(headcount=0)  # overfilled: its holder fills no other seat
    with CaptureQueriesContext(connection) as larger:
        counts = home_counts(client)
    assert {key: counts[key] for key in truth} == unit_seats(unit_id)
    assert counts["planned"] == truth["planned"] + 4 and counts["vacant"] == truth["vacant"] + 2
    assert len(larger.captured_queries) == len(small.captured_queries)


def test_the_language_choice_is_remembered(client_for):
    client = client_for("hr")
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("org-chart-page")})
    cookie = response.cookies["django_language"]
    assert cookie.value == "zh-hans" and int(cookie["max-age"]) >= 365 * 24 * 3600
    html = client.get(reverse("org-chart-page")).content.decode()
    assert '<html lang="zh-hans">' in html and "组织架构图" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Org chart" in client.get(reverse("org-chart-page")).content.decode()


def test_pages_send_no_inline_script(client_for, brand_manager):
    client = client_for("hr")
    for url in (reverse("home"), reverse("org-chart-page"), reverse("description-edit", args=[brand_manager.pk])):
        response = client.get(url)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()), url


def test_a_unit_that_is_not_a_number_is_not_found(client_for):
    assert client_for("hr").get(reverse("org-chart-page"), {"unit": "abc"}).status_code == 404


def test_an_employee_sees_the_chart_of_their_unit_without_colleagues_names(client_for, people):
    html = client_for("brand_specialist").get(reverse("org-chart-page")).content.decode()
    assert set(chart_codes(html)) == set(
        Position.objects.filter(department__code="MKT-MR").values_list("code", flat=True)
    )
    me = people["brand_specialist"].employee
    assert me.name in html
    colleague = Position.objects.get(title="品牌经理").holders.get()
    assert colleague.name not in html
