"""The claims ProConnect gives: `email`, `given_name`, `usual_name` (no `email_verified`), and
its userinfo answer: a JWT signed with the provider's key (`application/jwt`), not JSON."""

import json
import time
from typing import Any

from jwcrypto import jwt
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings


class ProConnectLikeValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes asked

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        user = request.user
        return {"email": user.email, "given_name": user.first_name, "usual_name": user.last_name}

    def get_userinfo_claims(self, request: Any) -> str:
        """Signed, as ProConnect signs it: oauthlib answers a string as `application/jwt`."""
        claims = dict(super().get_userinfo_claims(request))
        client = request.access_token.application
        claims.update(
            iss=oauth2_settings.oidc_issuer(request),
            aud=client.client_id,
            iat=int(time.time()),
            exp=int(time.time()) + 60,
        )
        key = client.jwk_key
        token = jwt.JWT(
            header=json.dumps({"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}),
            claims=json.dumps(claims, default=str),
        )
        token.make_signed_token(key)
        return str(token.serialize())
