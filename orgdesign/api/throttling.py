from rest_framework.throttling import SimpleRateThrottle

from orgdesign.models import ApiToken
from orgdesign.security import client_ip


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per user for browser sessions, per address when anonymous); rate from API_RATE.

    The address is the one the login lock-out uses: `X-Forwarded-For` counts only from `TRUSTED_PROXIES`.
    """

    scope = "token"

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
