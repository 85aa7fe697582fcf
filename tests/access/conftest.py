"""The seed organisation with a login for every role of the permission matrix."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from appraisal.models import Appraisal, AppraisalCycle
from orgdesign.access import API_READER, HR_ADMIN
from orgdesign.services import api_token_create
from positions.models import Employee
from positions.services import employee_update

PASSWORD = "matrix-password-1"


def _holder(title):
    return Employee.objects.filter(position__title=title, active=True).order_by("employee_no").first()


def _login_for(employee, username):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    employee_update(employee=employee, user=user)
    return user


@pytest.fixture
def hr(django_user_model):
    """An HR admin who is not a superuser: the person the token and lock-out rules are about."""
    user = django_user_model.objects.create_user("hr", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=HR_ADMIN))
    return user


@pytest.fixture
def rep(django_user_model):
    return django_user_model.objects.create_user("rep", password=PASSWORD)


@pytest.fixture
def matrix(seed_org_demo):
    """Users: hr, sales manager, market manager, sales representative, API reader; clients for each and anonymous."""
    users = {}
    users["hr"] = get_user_model().objects.create_user("hr", password=PASSWORD, is_staff=True)
    users["hr"].groups.add(Group.objects.get(name=HR_ADMIN))
    users["sales_manager"] = _login_for(_holder("销售部经理"), "sales_manager")
    users["market_manager"] = _login_for(_holder("市场部经理"), "market_manager")
    users["rep"] = _login_for(_holder("销售代表"), "rep")
    users["reader"] = get_user_model().objects.create_user("reader", password=PASSWORD)
    users["reader"].groups.add(Group.objects.get(name=API_READER))
    clients = {}
    for role, user in users.items():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user, read_only=role == 'reader').key}")
        clients[role] = client
    clients["anonymous"] = APIClient()
    q3 = AppraisalCycle.objects.get(name="2026-Q3")
    appraisal_of = {
        title: Appraisal.objects.get(cycle=q3, employee=_holder(title))
        for title in ["销售代表", "区域销售经理", "品牌经理", "销售部经理", "市场部副经理"]
    }
    return {"users": users, "clients": clients, "appraisal_of": appraisal_of, "cycle": q3}
