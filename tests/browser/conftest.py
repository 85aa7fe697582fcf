"""A real browser (Debian's chromium, driven by Playwright) against a live server on 127.0.0.1.

Where chromium is missing the tests are skipped with a message saying so; `.ci/run`
installs it, so CI always runs them.
"""

import importlib
import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from orgdesign.access import HR_ADMIN
from positions.models import Employee
from positions.services import employee_update
from tests import seed_snapshot

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "browser-password-1"


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests skipped: playwright is not installed (make test installs it)")
    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _restore_migration_data():
    """Put back what data migrations create (roles, rating bands, policy): a live-server test's flush removes it."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    for app, name, function in [("orgdesign", "0002_roles", "create_roles"),
                                ("appraisal", "0002_default_bands_and_policy", "create_defaults")]:  # fmt: skip
        module = importlib.import_module(f"{app}.migrations.{name}")
        getattr(module, function)(loader.project_state((app, name)).apps, None)


@pytest.fixture
def site(seed_demo_recording, transactional_db, live_server):
    """The seed organisation with demo people, and logins: hr, reviewer (both HR), brand_specialist and rep
    (employees), regional_manager (the rep's manager)."""
    if seed_snapshot.enabled():
        # A live-server test's flush empties every table: put back the rows the migrations made, with
        # their ids, which lets the seed be replayed from its recording.
        seed_snapshot.baseline.restore()
    else:
        _restore_migration_data()
    seed_snapshot.load_seed("--demo")
    hr_group = Group.objects.get(name=HR_ADMIN)
    for name in ("hr", "reviewer"):
        get_user_model().objects.create_user(name, password=PASSWORD).groups.add(hr_group)
    for username, title in [
        ("brand_specialist", "品牌专员"),
        ("rep", "销售代表"),
        ("regional_manager", "区域销售经理"),
    ]:
        person = Employee.objects.filter(position__title=title, active=True).order_by("employee_no").first()
        employee_update(employee=person, user=get_user_model().objects.create_user(username, password=PASSWORD))
    return live_server.url


@pytest.fixture
def open_as(browser, site):
    """A signed-in page for a user, in a context of its own (its own cookies), English UI."""
    contexts = []

    def make(username):
        context = browser.new_context(locale="en-GB", accept_downloads=True, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{site}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{site}/")
        return page

    yield make
    for context in contexts:
        context.close()
