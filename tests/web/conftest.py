"""Logins for the page tests: two HR admins (author and reviewer), a manager and an employee of the seed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from orgdesign.access import HR_ADMIN
from positions.models import Employee, Position
from positions.services import employee_update
from tests import seed_snapshot

PASSWORD = "pages-password-1"


def holder(title):
    return Employee.objects.filter(position__title=title, active=True).order_by("employee_no").first()


def login_for(username, *, employee=None):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if employee is not None:
        employee_update(employee=employee, user=user)
    return user


USERNAMES = ("hr", "reviewer", "market_manager", "brand_specialist", "rep")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, seed_demo_recording):
    """The seed organisation with demo people and the logins, loaded once per test module.

    Seeding takes seconds (more on PostgreSQL), so a module shares one: it is loaded inside a
    transaction that stays open for the module and is rolled back after it; each test runs in a
    savepoint of its own inside it, as usual, so tests still cannot see each other's writes.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_snapshot.load_seed("--demo")
            login_for("hr")
            login_for("reviewer")
            login_for("market_manager", employee=holder("市场部经理"))
            login_for("brand_specialist", employee=holder("品牌专员"))
            login_for("rep", employee=holder("销售代表"))
            hr_admin = Group.objects.get(name=HR_ADMIN)
            for name in ("hr", "reviewer"):
                get_user_model().objects.get(username=name).groups.add(hr_admin)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def people(seeded, db):
    """The logins of the seeded organisation, read afresh for each test."""
    return {user.username: user for user in get_user_model().objects.filter(username__in=USERNAMES)}


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
