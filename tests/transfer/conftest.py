from tests.web.conftest import brand_manager, client_for, people  # noqa: F401 - the same logins as the page tests
