"""The claims ProConnect gives: `email`, `given_name`, `usual_name` (no `email_verified`)."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ProConnectLikeValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes asked

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        user = request.user
        return {"email": user.email, "given_name": user.first_name, "usual_name": user.last_name}
