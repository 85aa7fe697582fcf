from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from orgdesign.models import ApiToken
from orgdesign.services import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with our own token model: keys are stored hashed, some tokens are read-only.

    The request then acts as the token's owner, who made the token; the audit trail records them.
    """

    model = ApiToken

    def authenticate_credentials(self, key):
        token = api_token_authenticate(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)


class ApiTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; get a key from `POST /api/v1/auth/token/`.",
        }
