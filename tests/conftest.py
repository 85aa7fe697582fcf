import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from orgdesign.services import api_token_create


def pytest_sessionstart(session):
    """Compile the translation catalogues so language tests work on a fresh clone too."""
    call_command("compile_translations", verbosity=0)


@pytest.fixture
def seed_org(db):
    """The seed organisation, loaded the way `make run` loads it (without demo people)."""
    call_command("seed_org", verbosity=0)


@pytest.fixture
def seed_org_demo(db):
    call_command("seed_org", "--demo", verbosity=0)


def _client(token=None):
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def hr_user(django_user_model):
    return django_user_model.objects.create_superuser("hr", password="hr-password-1")


@pytest.fixture
def hr_api(hr_user):
    return _client(api_token_create(user=hr_user, name="tests"))


@pytest.fixture
def reader_api(hr_user):
    """A read-only token of a user who could otherwise write everything."""
    return _client(api_token_create(user=hr_user, name="reader", read_only=True))


@pytest.fixture
def plain_api(django_user_model):
    """A logged-in user without any model permission."""
    user = django_user_model.objects.create_user("plain", password="plain-password-1")
    return _client(api_token_create(user=user))


@pytest.fixture
def anon_api():
    return _client()
