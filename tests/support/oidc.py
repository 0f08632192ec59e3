"""Start the test OpenID Connect provider (tests/support/oidc_provider) in its own process.

`oidc_provider(redirect_uri)` migrates a throwaway SQLite database, registers Entente as a
confidential client with that redirect URI (and its host's `/` to come back to after the
provider's logout), and serves the provider on a free loopback port
with Django's server; `add_person` creates someone who can sign in there. Entente is then
started with `environment()`, which points its ProConnect settings at it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.live import ROOT, free_port, wait_until_it_answers

CLIENT_ID = "entente-tests"
CLIENT_SECRET = "secret-du-client-de-test"

SETUP = """
    import json, sys
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application
    task = json.loads(sys.argv[1])
    if task["kind"] == "client":
        Application.objects.create(
            name="Entente", client_id=task["client_id"], client_secret=task["secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=task["redirect_uri"], skip_authorization=True,
            post_logout_redirect_uris=task["logout_uri"],
            algorithm=Application.RS256_ALGORITHM,
        )
    else:
        get_user_model().objects.create_user(
            task["username"], task["email"], task["password"],
            first_name=task["first_name"], last_name=task["last_name"],
        )
"""


@dataclass
class Provider:
    issuer: str
    env: dict[str, str]

    def environment(self) -> dict[str, str]:
        """Entente's settings for this provider, as a deployment would set them."""
        return {
            "ENTENTE_PROCONNECT_URL": self.issuer,
            "ENTENTE_PROCONNECT_CLIENT_ID": CLIENT_ID,
            "ENTENTE_PROCONNECT_SECRET": CLIENT_SECRET,
        }

    def add_person(
        self, username: str, password: str, email: str, first_name: str, last_name: str
    ) -> None:
        task = {
            "kind": "person",
            "username": username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
        }
        _django(self.env, "-c", textwrap.dedent(SETUP), json.dumps(task))


def _django(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )


def _private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@contextmanager
def oidc_provider(redirect_uri: str) -> Iterator[Provider]:
    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.oidc_provider.settings",
            "OIDC_PROVIDER_DB": str(Path(work) / "provider.sqlite3"),
            "OIDC_PROVIDER_KEY": _private_key(),
            "PYTHONPATH": str(ROOT),
        }
        _django(env, "-m", "django", "migrate", "--noinput")
        client = {
            "kind": "client",
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "redirect_uri": redirect_uri,
            "logout_uri": "{}://{}/".format(*urlsplit(redirect_uri)[:2]),
        }
        _django(env, "-c", textwrap.dedent(SETUP), json.dumps(client))
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        issuer = f"http://127.0.0.1:{port}/o"
        try:
            discovery = Request(f"{issuer}/.well-known/openid-configuration")  # noqa: S310
            wait_until_it_answers(process, discovery, "the OIDC provider")
            yield Provider(issuer, env)
        finally:
            process.terminate()
            process.wait(timeout=10)
