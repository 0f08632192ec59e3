"""A private space of Legé with one person per role, its document tree, and people who must not
pass (an agent outside the space, a citizen, an administrator of Paulx)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.documents import services
from entente.documents.models import Document, Folder, Version
from entente.documents.selectors import tree_root
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.services import create_space
from tenants.models import Tenant
from tests.support.acting import seeding

ROLES = ("editor", "commenter", "reader", "staff", "guest", "outsider")
VIEWERS = {"editor", "commenter", "reader"}
EDITORS = {"editor"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose page shows `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 10 50 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf(text: str = "") -> io.BytesIO:
    return io.BytesIO(PDF_BYTES + text.encode())


@dataclass
class World:
    tenant: Tenant
    other_tenant: Tenant
    space: Space
    people: dict[str, User]
    root: Folder
    folder: Folder
    document: Document
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        return self.clients[role]

    def enter(self) -> Any:
        return tenant_context(self.tenant)

    def membership(self, role: str) -> Membership:
        tenant = self.other_tenant if role == "outsider" else self.tenant
        return Membership.objects.select_related("tenant", "user").get(
            user=self.people[role], tenant=tenant
        )

    def version(self) -> Version:
        with self.enter():
            return Version.objects.get(document=self.document, number=1)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def world(
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> World:
    people = {
        "editor": make_user("claire.morand@lege.test", tenant=tenant_a, full_name="Claire Morand"),
        "commenter": make_user("paul.briand@lege.test", tenant=tenant_a, full_name="Paul Briand"),
        "reader": make_user("lea.durand@lege.test", tenant=tenant_a, full_name="Léa Durand"),
        "staff": make_user("agent.hors-espace@lege.test", tenant=tenant_a),
        "guest": make_user("citoyen@exemple.test", tenant=tenant_a, role=Role.GUEST),
        "outsider": make_user("admin@paulx.test", tenant=tenant_b, role=Role.ADMIN),
    }
    with tenant_context(tenant_a):
        space = create_space(
            seeding(people["editor"]), name="Voirie", visibility=Visibility.PRIVATE
        )
        for role, space_role in (
            ("editor", SpaceRole.EDITOR),
            ("commenter", SpaceRole.COMMENTER),
            ("reader", SpaceRole.READER),
            ("guest", SpaceRole.COMMENTER),
        ):
            SpaceMembership.objects.update_or_create(
                space=space, user=people[role], defaults={"role": space_role}
            )
        editor = Membership.objects.select_related("tenant", "user").get(
            user=people["editor"], tenant=tenant_a
        )
        root = tree_root(space)
        folder = services.create_folder(membership=editor, parent=root, name="Marchés publics")
        version = services.upload(
            membership=editor, folder=folder, name="Cahier des charges.pdf", content=pdf("v1")
        )
    world = World(
        tenant=tenant_a,
        other_tenant=tenant_b,
        space=space,
        people=people,
        root=root,
        folder=folder,
        document=version.document,
    )
    world.clients = {role: client_for(tenant_a, user) for role, user in people.items()}
    world.clients["anonymous"] = Client(HTTP_HOST=tenant_a.primary_host)
    return world
