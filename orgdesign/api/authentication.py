from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication

from orgdesign.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with our own token model (which knows read-only tokens)."""

    model = ApiToken


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
