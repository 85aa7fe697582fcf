"""Sign-in protection: where a request comes from, how long a lock lasts, the answer to a locked login.

django-axes counts failed logins per username *and* address together
(`AXES_LOCKOUT_PARAMETERS`): failing on someone's username from another address does not lock
them out, and people behind one shared proxy address do not lock each other out. A lock lasts
`AXES_COOLOFF_FIRST` and doubles with every earlier lock of the same username from the same
address within `AXES_COOLOFF_MEMORY`, up to `AXES_COOLOFF_MAX`. Failures during a lock are not
counted, so a lock always ends on time; HR can lift it sooner (the admin's *Access attempts*,
*Unlock*, or `manage.py axes_reset_username NAME`), which leaves the earlier locks on record.

How a lock's length is found: the lock log (axes' failure log, rows marked `locked_out`) holds
one row per lock. The locks that count are those before the last failure of the current run of
failures, so the length is the same while the lock is being set, while it holds and after it
ends; the next run's failures come after this lock and so count it.
"""

import ipaddress
import math
import operator
from collections import defaultdict
from datetime import timedelta
from functools import lru_cache, reduce

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Max, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

# --- where a request comes from ---------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text):
    """An IP address from a header entry (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::1`), or None."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(request):
    """The address a request comes from (axes' `AXES_CLIENT_IP_CALLABLE`; the API throttle uses it too).

    `REMOTE_ADDR`, unless that is one of `TRUSTED_PROXIES`: then `X-Forwarded-For` is read from
    the right, past the trusted proxies, to the first address that is not one. Entries further
    left were written by the client and are ignored, so a client cannot choose its address by
    sending the header itself, directly or through the proxy.
    """
    client = _address(request.META.get("REMOTE_ADDR"))
    if client is None:
        return None
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if any(client in network for network in trusted):
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _address(entry)
            if hop is None:
                break
            client = hop
            if not any(hop in network for network in trusted):
                break
    return str(client)


# --- how long a lock lasts --------------------------------------------------------------------


class LoginAttemptBackend(AxesStandaloneBackend):
    """axes' refusal of locked logins; it also notes the username tried, which the lock's length depends on."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            request.axes_login_username = username
        return super().authenticate(request, username=username, password=password, **kwargs)


def _length(earlier_locks):
    return min(settings.AXES_COOLOFF_FIRST * 2 ** min(earlier_locks, 32), settings.AXES_COOLOFF_MAX)


def lock_length(username, ip_address, *, at):
    """How long a lock of `username` from `ip_address` set at `at` lasts: doubled for each earlier lock."""
    earlier = AccessFailureLog.objects.filter(
        username=username, ip_address=ip_address, locked_out=True,
        attempt_time__lt=at, attempt_time__gte=at - settings.AXES_COOLOFF_MEMORY,
    ).count()  # fmt: skip
    return _length(earlier)


def _last_failure(username, ip_address):
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
    return attempts.aggregate(last=Max("attempt_time"))["last"]


def cool_off(request=None):
    """axes' `AXES_COOLOFF_TIME` for this request's username and address (see the module's docstring)."""
    if request is None:
        return settings.AXES_COOLOFF_FIRST
    username = getattr(request, "axes_login_username", None) or get_client_username(request)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    at = _last_failure(username, ip_address) or getattr(request, "axes_attempt_time", None) or timezone.now()
    return lock_length(username, ip_address, at=at)


def locks_until(pairs):
    """`{(username, ip_address): when its lock ends}` for those of `pairs` locked now, in two queries."""
    pairs = set(pairs)
    if not pairs:
        return {}
    which = reduce(operator.or_, (Q(username=username, ip_address=ip_address) for username, ip_address in pairs))
    failures = defaultdict(list)
    for *pair, at, count in AccessAttempt.objects.filter(which).values_list(
        "username", "ip_address", "attempt_time", "failures_since_start"
    ):
        failures[tuple(pair)].append((at, count))
    if not failures:
        return {}
    last = {pair: max(at for at, _count in rows) for pair, rows in failures.items()}
    memory = settings.AXES_COOLOFF_MEMORY
    locks = defaultdict(list)
    earliest = min(last.values()) - memory
    for *pair, at in AccessFailureLog.objects.filter(which, locked_out=True, attempt_time__gte=earliest).values_list(
        "username", "ip_address", "attempt_time"
    ):
        locks[tuple(pair)].append(at)
    now = timezone.now()
    ends = {}
    for pair, rows in failures.items():
        length = _length(sum(1 for at in locks[pair] if last[pair] - memory <= at < last[pair]))
        if sum(count for at, count in rows if at >= now - length) >= settings.AXES_FAILURE_LIMIT:
            ends[pair] = last[pair] + length
    return ends


def locked_until(username, ip_address):
    """When the lock of `username` from `ip_address` ends, or None if they may sign in."""
    return locks_until([(username, ip_address)]).get((username, ip_address))


# --- successful logins ------------------------------------------------------------------------


def login_succeeded(request, *, username):
    """What a successful browser login does in axes, for a login that opens no session (the token endpoint).

    The failures of this username from this address are forgotten (`AXES_RESET_ON_SUCCESS`) and
    the login is logged in axes' access log.
    """
    AxesProxyHandler.update_request(request)
    if settings.AXES_RESET_ON_SUCCESS:
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
    AccessLog.objects.create(
        username=username, ip_address=request.axes_ip_address, user_agent=request.axes_user_agent,
        http_accept=request.axes_http_accept, path_info=request.axes_path_info,
    )  # fmt: skip


# --- the answer to a locked login -------------------------------------------------------------


def lockout_message(minutes):
    return ngettext(
        "Too many failed logins for this account from your address. Try again in %(minutes)d minute, "
        "or ask HR to unlock it.",
        "Too many failed logins for this account from your address. Try again in %(minutes)d minutes, "
        "or ask HR to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """axes' `AXES_LOCKOUT_CALLABLE`: 403 with when to try again, as JSON for the API and as a page otherwise."""
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials) or getattr(request, "axes_login_username", None)
    until = locked_until(username, request.axes_ip_address)
    wait = max(until - timezone.now(), timedelta(0)) if until else settings.AXES_COOLOFF_FIRST
    seconds = max(math.ceil(wait.total_seconds()), 1)
    message = lockout_message(math.ceil(seconds / 60))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=403)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=403)
    response["Retry-After"] = str(seconds)
    return response
