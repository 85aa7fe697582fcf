"""Logins for the page tests: two HR admins (author and reviewer), a manager and an employee of the seed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from orgdesign.access import HR_ADMIN
from positions.models import Employee, Position
from positions.services import employee_update

PASSWORD = "pages-password-1"


def holder(title):
    return Employee.objects.filter(position__title=title, active=True).order_by("employee_no").first()


def login_for(username, *, employee=None):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if employee is not None:
        employee_update(employee=employee, user=user)
    return user


@pytest.fixture
def people(db):
    call_command("seed_org", "--demo", verbosity=0)
    users = {
        "hr": login_for("hr"),
        "reviewer": login_for("reviewer"),
        "market_manager": login_for("market_manager", employee=holder("市场部经理")),
        "brand_specialist": login_for("brand_specialist", employee=holder("品牌专员")),
        "rep": login_for("rep", employee=holder("销售代表")),
    }
    for name in ("hr", "reviewer"):
        users[name].groups.add(Group.objects.get(name=HR_ADMIN))
    return users


@pytest.fixture
def client_for(people):
    def make(name):
        client = Client()
        client.force_login(people[name])
        return client

    return make


@pytest.fixture
def brand_manager(people):
    return Position.objects.get(title="品牌经理")
