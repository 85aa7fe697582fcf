import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from orgdesign.services import api_token_create
from tests import seed_snapshot


def pytest_sessionstart(session):
    """Compile the translation catalogues so language tests work on a fresh clone too."""
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller compiled them before it started the workers
    call_command("compile_translations", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as pytest-django makes it, and a copy of every row the migrations left in it."""
    with django_db_blocker.unblock():
        seed_snapshot.baseline = seed_snapshot.Baseline()
    yield


@pytest.fixture(scope="session")
def seed_recording(django_db_setup, django_db_blocker):
    """`seed_org` run once, on the database as the migrations left it, and its rows recorded (see seed_snapshot)."""
    with django_db_blocker.unblock():
        seed_snapshot.record_seed()


@pytest.fixture(scope="session")
def seed_demo_recording(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_snapshot.record_seed("--demo")


@pytest.fixture
def seed_org(seed_recording, db):
    """The seed organisation, loaded the way `make run` loads it (without demo people).

    The command runs once per session; each test gets its rows replayed (`tests/seed_snapshot.py`).
    """
    seed_snapshot.load_seed()


@pytest.fixture
def seed_org_demo(seed_demo_recording, db):
    seed_snapshot.load_seed("--demo")


def _client(token=None):
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def hr_user(django_user_model):
    return django_user_model.objects.create_superuser("hr", password="hr-password-1")


@pytest.fixture
def hr_client(hr_user):
    """A browser session of the HR superuser."""
    from django.test import Client

    client = Client()
    client.force_login(hr_user)
    return client


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
