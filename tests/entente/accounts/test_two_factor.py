"""A person who turned on two-factor authentication gives a code after the password."""

from __future__ import annotations

import time

import time_machine
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from tenants.models import Tenant

from .support import Visitor, structure

NOW = 1_790_000_000.0  # any fixed instant: the code depends on the clock


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@time_machine.travel(NOW, tick=False)
def test_login_asks_for_the_code_in_our_shell_then_opens_the_tenant(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)
    secret = generate_totp_secret()
    TOTP.activate(anne, secret)

    after_password = visitor.log_in(tenant_a, anne.email)

    assert after_password.status_code == 302
    assert after_password["Location"] == "/comptes/2fa/authenticate/"
    assert visitor.user_id is None
    page = visitor.get(tenant_a, "/comptes/2fa/authenticate/")
    shape = structure(page)
    assert page.status_code == 200
    assert shape.h1_count == 1
    assert 'class="entrance"' in page.content.decode()
    assert [field.get("id") for field in shape.inputs] == ["id_code", "language-select"]
    # allauth's own French says « clé secrète »; our catalogue corrects it (locale/fr).
    assert "Utiliser une clé de sécurité" in page.content.decode()
    assert "id_code" in shape.label_targets

    wrong = visitor.post(tenant_a, "/comptes/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert 'class="error-summary"' in wrong.content.decode()
    assert visitor.user_id is None

    right = visitor.post(tenant_a, "/comptes/2fa/authenticate/", {"code": current_code(secret)})

    assert right.status_code == 302
    assert right["Location"] == "/"
    assert visitor.user_id == str(anne.pk)
