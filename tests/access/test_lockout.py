"""Failed logins lock a username at one address, for a while that grows, and never lock out anyone else."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from orgdesign.security import client_ip, locked_until
from tests.access.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HR_DESK = "198.51.100.10"
ATTACKER = "203.0.113.66"
PROXY = "10.0.0.5"


def token_login(username, password, address, **headers):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json",
        REMOTE_ADDR=address, **headers,
    )  # fmt: skip


def fail(username, address, times=5, **headers):
    return [token_login(username, "wrong", address, **headers).status_code for _ in range(times)]


def minutes_pass(minutes):
    """Time travel: every stored time of the lock-out moves back, as if `minutes` had gone by."""
    delta = datetime.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)
    AccessLog.objects.update(attempt_time=F("attempt_time") - delta)


def test_the_fifth_failure_locks_the_username_at_that_address_with_a_clear_answer(rep):
    assert fail("rep", HR_DESK) == [401, 401, 401, 401, 403]
    locked = token_login("rep", PASSWORD, HR_DESK)
    assert locked.status_code == 403
    body = locked.json()
    assert body["code"] == "locked_out"
    assert "Try again in 5 minutes" in body["detail"] and "ask HR" in body["detail"]
    assert 290 <= int(locked["Retry-After"]) <= 300
    page = Client(REMOTE_ADDR=HR_DESK).post(reverse("admin:login"), {"username": "rep", "password": PASSWORD})
    assert page.status_code == 403 and "Try again in 5 minutes" in page.content.decode()
    assert page["Retry-After"] == locked["Retry-After"]


def test_an_attacker_failing_on_hrs_username_elsewhere_does_not_lock_hr_out(hr):
    assert fail("hr", ATTACKER, times=8)[-1] == 403
    assert token_login("hr", PASSWORD, ATTACKER).status_code == 403, "the attacker's address is locked"
    assert token_login("hr", PASSWORD, HR_DESK).status_code == 200
    browser = Client(REMOTE_ADDR=HR_DESK)
    assert browser.post(reverse("admin:login"), {"username": "hr", "password": PASSWORD}).status_code == 302


def test_people_behind_one_shared_address_do_not_lock_each_other_out(hr, rep):
    fail("rep", PROXY)
    assert token_login("rep", PASSWORD, PROXY).status_code == 403
    assert token_login("hr", PASSWORD, PROXY).status_code == 200


def test_browser_and_token_failures_count_together(rep):
    browser = Client(REMOTE_ADDR=HR_DESK)
    for _attempt in range(3):
        browser.post(reverse("login"), {"username": "rep", "password": "wrong"})
    assert fail("rep", HR_DESK, times=2) == [401, 403]


def test_a_success_forgets_the_failures_before_it(rep):
    fail("rep", HR_DESK, times=4)
    assert token_login("rep", PASSWORD, HR_DESK).status_code == 200
    assert fail("rep", HR_DESK, times=4) == [401] * 4


def test_the_lock_ends_after_its_cool_off_even_if_tried_meanwhile(rep):
    fail("rep", HR_DESK)
    minutes_pass(4)
    assert fail("rep", HR_DESK, times=3) == [403] * 3, "failures during a lock are not counted"
    assert token_login("rep", PASSWORD, HR_DESK).status_code == 403
    minutes_pass(1.05)
    assert token_login("rep", PASSWORD, HR_DESK).status_code == 200


def test_repeated_locks_last_twice_as_long_each_time_up_to_the_cap(rep):
    lengths = []
    for _lock in range(4):
        assert fail("rep", HR_DESK)[-1] == 403
        minutes = round(int(token_login("rep", PASSWORD, HR_DESK)["Retry-After"]) / 60)
        lengths.append(minutes)
        minutes_pass(minutes - 0.5)
        assert token_login("rep", PASSWORD, HR_DESK).status_code == 403, "still locked just before the end"
        minutes_pass(0.55)
        assert token_login("rep", PASSWORD, HR_DESK).status_code == 200, "and open just after"
    assert lengths == [5, 10, 20, 40]
    assert fail("rep", HR_DESK)[-1] == 403
    assert 79 * 60 < int(token_login("rep", PASSWORD, HR_DESK)["Retry-After"]) <= 80 * 60
    with override_settings(AXES_COOLOFF_MAX=datetime.timedelta(minutes=30)):
        assert 29 * 60 < int(token_login("rep", PASSWORD, HR_DESK)["Retry-After"]) <= 30 * 60
        minutes_pass(30.05)
        assert token_login("rep", PASSWORD, HR_DESK).status_code == 200


def test_earlier_locks_are_forgotten_after_a_day(rep):
    fail("rep", HR_DESK)
    minutes_pass(24 * 60 + 1)
    fail("rep", HR_DESK)
    assert 290 <= int(token_login("rep", PASSWORD, HR_DESK)["Retry-After"]) <= 300


def test_hr_unlocks_in_the_admin(hr, rep):
    fail("rep", HR_DESK)
    fail("rep", ATTACKER)
    assert locked_until("rep", HR_DESK) is not None
    admin = Client()
    admin.force_login(hr)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "rep" in listing and HR_DESK in listing and "Unlock the selected usernames at their addresses" in listing
    mine = AccessAttempt.objects.filter(username="rep", ip_address=HR_DESK).values_list("pk", flat=True)
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"), {"action": "unlock", "_selected_action": list(mine)}
    )
    assert response.status_code == 302
    assert token_login("rep", PASSWORD, HR_DESK).status_code == 200
    assert token_login("rep", PASSWORD, ATTACKER).status_code == 403, "only the pair HR chose"


def test_hr_unlocks_with_the_command(rep):
    fail("rep", HR_DESK)
    call_command("axes_reset_username", "rep", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert token_login("rep", PASSWORD, HR_DESK).status_code == 200


# --- the address behind a proxy ---------------------------------------------------------------


def _ip(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "192.0.2.1"])
def test_x_forwarded_for_is_read_only_from_a_trusted_proxy():
    assert _ip(PROXY, "203.0.113.7") == "203.0.113.7"
    assert _ip(PROXY, "203.0.113.7, 192.0.2.1") == "203.0.113.7", "past every trusted proxy"
    assert _ip(PROXY, "6.6.6.6, 203.0.113.7") == "203.0.113.7", "what the client wrote itself is ignored"
    assert _ip(PROXY, "203.0.113.7:4711") == "203.0.113.7"
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip(PROXY) == PROXY
    assert _ip("198.51.100.9", "203.0.113.7") == "198.51.100.9", "a client is no proxy"
    assert _ip("::ffff:198.51.100.9") == "198.51.100.9"


def test_without_trusted_proxies_the_header_is_ignored():
    assert _ip(PROXY, "203.0.113.7") == PROXY


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_lock_outs_follow_the_address_the_proxy_reports(hr):
    assert fail("hr", PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)[-1] == 403
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert token_login("hr", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=HR_DESK).status_code == 200
    assert token_login("hr", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 403


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_spoofed_header_from_an_untrusted_client_is_ignored(hr):
    for spoofed in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"]:
        token_login("hr", "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=spoofed)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert token_login("hr", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR=HR_DESK).status_code == 403
    assert token_login("hr", PASSWORD, HR_DESK).status_code == 200
