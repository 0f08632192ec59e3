"""Personal API tokens: `Authorization: Bearer ent_…` (see entente.accounts.models.ApiToken).

A token authenticates a person, not a membership: `api.permissions.IsTenantMember` then
decides, on each tenant host, whether that person is a member there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from entente.accounts.models import ApiToken, User
from entente.accounts.services import authenticate_api_token

if TYPE_CHECKING:
    from rest_framework.request import Request

KEYWORD = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None  # another scheme, or none: the session may still authenticate
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("En-tête Authorization mal formé : écrivez « Bearer » suivi du jeton.")
            )
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Jeton invalide.")) from None
        token = authenticate_api_token(raw)
        if token is None:
            raise AuthenticationFailed(
                _(
                    "Jeton invalide, expiré ou révoqué : créez-en un nouveau sur la page "
                    "« Jetons d'API » de votre compte."
                )
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        """Makes DRF answer 401 (not 403) to a missing or refused token."""
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI schema (registered by being defined)."""

    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ent_<préfixe>_<secret>",
            "description": "Jeton personnel créé sur la page « Jetons d'API » de votre compte.",
        }
