"""A SAML 2.0 identity provider for the tests: pysaml2's `Server`, in its own process, over HTTP.

It answers as a collectivité's directory (LemonLDAP::NG, ADFS, Keycloak) does: HTTP-Redirect
AuthnRequests, a login form, then a signed response (assertion signed, RSA-SHA256) posted to the
service provider's ACS, with `mail`, `givenName` and `sn` under their URN names and a persistent
NameID. HTTP-Redirect logout requests end its session and answer the SP.

pysaml2 signs with the `xmlsec1` program, which a bare machine lacks: `XmlsecModuleBackend`
signs with the `xmlsec` module python3-saml already brings (the same libxmlsec1, in a wheel).

- `saml_identity_provider()` starts it on a free port (a new key and certificate each run) and
  yields an `IdentityProvider`: its metadata, entity ID, addresses, certificate, and
  `add_person()`, `trust_service_provider(metadata_xml)`, which talk to it over HTTP.
- `python -m tests.support.saml_idp PORT KEY CERT` serves it.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.request import Request, urlopen
from wsgiref.simple_server import WSGIRequestHandler, make_server

PASSWORD_FIELD = "password"


def _key_and_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "annuaire-de-test")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "idp.key", directory / "idp.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


# -- The client side, in the tests ---------------------------------------------------------------


@dataclass
class IdentityProvider:
    base_url: str
    certificate_pem: str

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"

    @property
    def slo_url(self) -> str:
        return f"{self.base_url}/slo"

    def metadata(self) -> str:
        with urlopen(f"{self.base_url}/metadata", timeout=10) as answer:  # noqa: S310
            return str(answer.read().decode())

    def _post(self, path: str, body: dict[str, Any] | str) -> None:
        data = json.dumps(body) if isinstance(body, dict) else body
        request = Request(f"{self.base_url}{path}", data=data.encode(), method="POST")  # noqa: S310
        with urlopen(request, timeout=10) as answer:  # noqa: S310
            answer.read()

    def add_person(
        self, username: str, password: str, email: str, given_name: str, surname: str
    ) -> None:
        self._post(
            "/people",
            {
                "username": username,
                "password": password,
                "identity": {"mail": [email], "givenName": [given_name], "sn": [surname]},
            },
        )

    def trust_service_provider(self, metadata_xml: str) -> None:
        """What the collectivité's IT does: declare Entente (its metadata) in the directory."""
        self._post("/service-providers", metadata_xml)


@contextmanager
def saml_identity_provider() -> Iterator[IdentityProvider]:
    # Here, not at the top: the server's process runs without Django's settings.
    from tests.support.live import ROOT, free_port, wait_until_it_answers

    with tempfile.TemporaryDirectory() as work:
        key_path, cert_path = _key_and_certificate(Path(work))
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.saml_idp",
                str(port),
                str(key_path),
                str(cert_path),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_it_answers(process, Request(f"{base_url}/metadata"), "the SAML IdP")  # noqa: S310
            yield IdentityProvider(base_url, cert_path.read_text())
        finally:
            process.terminate()
            process.wait(timeout=10)


# -- The server side, in its own process -------------------------------------------------------


def _server(base_url: str, key_file: str, cert_file: str) -> Any:
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
    from saml2.server import Server
    from saml2.sigver import CryptoBackendXMLSecurity

    class XmlsecModuleBackend(CryptoBackendXMLSecurity):
        """Signs with python-xmlsec (the module python3-saml uses), not the xmlsec1 program."""

        def sign_statement(
            self, statement: Any, node_name: Any, key_file: Any, node_id: Any
        ) -> str:
            import xmlsec
            from lxml import etree

            root = etree.fromstring(statement.encode() if isinstance(statement, str) else statement)
            xmlsec.tree.add_ids(root, ["ID"])
            signature = next(
                node
                for node in root.iter("{http://www.w3.org/2000/09/xmldsig#}Signature")
                if node.getparent().get("ID") == node_id
            )
            context = xmlsec.SignatureContext()
            context.key = xmlsec.Key.from_file(key_file, xmlsec.constants.KeyDataFormatPem)
            context.sign(signature)
            return str(etree.tostring(root, encoding="unicode"))

    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base_url}/metadata",
            "crypto_backend": "XMLSecurity",
            "key_file": key_file,
            "cert_file": cert_file,
            "metadata": {"inline": []},
            "service": {
                "idp": {
                    "name": "Annuaire de test",
                    "endpoints": {
                        "single_sign_on_service": [(f"{base_url}/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{base_url}/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                            "sign_assertion": True,
                            "sign_response": True,
                        }
                    },
                    "want_authn_requests_signed": False,
                }
            },
        }
    )
    server = Server(config=config)
    server.sec.crypto = XmlsecModuleBackend()
    return server


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1>{body}</body></html>"
    ).encode()


def serve(port: int, key_file: str, cert_file: str) -> None:
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.metadata import create_metadata_string
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    base_url = f"http://127.0.0.1:{port}"
    server = _server(base_url, key_file, cert_file)
    metadata = create_metadata_string(None, config=server.config, sign=False)
    people: dict[str, dict[str, Any]] = {}
    sessions: dict[str, str] = {}

    def form_fields(environ: dict[str, Any]) -> dict[str, str]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode()
        return {k: v[0] for k, v in parse_qs(body).items()}

    def answer_to_sp(request_xml: str, relay_state: str, username: str) -> bytes:
        request = server.parse_authn_request(request_xml, BINDING_HTTP_REDIRECT)
        sp = request.message.issuer.text
        destination = server.metadata.assertion_consumer_service(sp, binding=BINDING_HTTP_POST)[0][
            "location"
        ]
        response = server.create_authn_response(
            identity=people[username]["identity"],
            in_response_to=request.message.id,
            destination=destination,
            sp_entity_id=sp,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"agent-{username}"),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=True,
            sign_assertion=True,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        posted = server.apply_binding(
            BINDING_HTTP_POST, str(response), destination, relay_state, response=True
        )
        return str(posted["data"]).encode()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        session = cookie["idp_session"].value if "idp_session" in cookie else ""
        html_type = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [metadata.encode() if isinstance(metadata, str) else metadata]
        if path == "/people" and method == "POST":
            person = json.loads(form_body(environ))
            people[person["username"]] = person
            start_response("201 Created", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path == "/service-providers" and method == "POST":
            server.metadata.load("inline", form_body(environ))
            start_response("201 Created", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path == "/sso" and method == "GET":
            saml_request, relay_state = query.get("SAMLRequest", ""), query.get("RelayState", "")
            if session in sessions:  # already signed in here: straight back
                start_response("200 OK", html_type)
                return [answer_to_sp(saml_request, relay_state, sessions[session])]
            start_response("200 OK", html_type)
            return [
                _page(
                    "Annuaire de test",
                    '<form method="post" action="/sso">'
                    f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
                    f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
                    '<label>Identifiant <input name="username"></label>'
                    f'<label>Mot de passe <input type="password" name="{PASSWORD_FIELD}"></label>'
                    '<button type="submit">Se connecter</button></form>',
                )
            ]
        if path == "/sso" and method == "POST":
            fields = form_fields(environ)
            person = people.get(fields.get("username", ""))
            if person is None or person["password"] != fields.get(PASSWORD_FIELD):
                start_response("401 Unauthorized", html_type)
                return [_page("Identifiant ou mot de passe incorrect", "")]
            token = os.urandom(16).hex()
            sessions[token] = person["username"]
            start_response(
                "200 OK", [*html_type, ("Set-Cookie", f"idp_session={token}; Path=/; HttpOnly")]
            )
            return [
                answer_to_sp(
                    fields["SAMLRequest"], fields.get("RelayState", ""), person["username"]
                )
            ]
        if path == "/slo" and method == "GET":
            sessions.pop(session, None)
            request = server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
            response = server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
            redirect = server.apply_binding(
                BINDING_HTTP_REDIRECT,
                str(response),
                response.destination,
                query.get("RelayState", ""),
                response=True,
            )
            location = dict(redirect["headers"])["Location"]
            start_response("302 Found", [("Location", location)])
            return [b""]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def form_body(environ: dict[str, Any]) -> str:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return str(environ["wsgi.input"].read(length).decode())

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
            pass

    with make_server("127.0.0.1", port, app, handler_class=Quiet) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], sys.argv[3])
