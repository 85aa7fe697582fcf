from tests.web.conftest import brand_manager, client_for, people, seeded  # noqa: F401 - the page tests' logins
