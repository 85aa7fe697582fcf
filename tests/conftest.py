import pytest
from django.core.management import call_command


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
