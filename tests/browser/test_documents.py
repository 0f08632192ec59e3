"""In a real browser: an agent uploads a file (the drag-and-drop form, sent with its progress
bar), uploads a new version, restores the old one; then a reader of the space downloads it and
gets the restored content.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.documents.models import Document, Folder
from entente.documents.selectors import tree_root
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
FIRST = b"%PDF-1.4\n% premiere version du reglement\n%%EOF\n"
SECOND = b"%PDF-1.4\n% seconde version du reglement\n%%EOF\n"


@pytest.fixture
def tree(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    agent = committed_user({"tenant_a": "agent"}, full_name="Claire Morand")
    reader = committed_user({"tenant_a": "agent"}, full_name="Léa Durand")
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
        with tenant_context(tenant):
            space = Space.objects.create(name="Règlements", visibility=Visibility.PRIVATE)
            SpaceMembership.objects.create(space=space, user=agent, role=SpaceRole.EDITOR)
            SpaceMembership.objects.create(space=space, user=reader, role=SpaceRole.READER)
            root = tree_root(space)
    yield {"agent": agent, "reader": reader, "tenant": tenant, "space": space, "root": root}
    with django_db_blocker.unblock(), tenant_context(tenant):
        Document.objects.filter(folder__space=space).delete()
        Folder.objects.filter(space=space).delete()
        Space.objects.filter(pk=space.pk).delete()


def _log_in(page: Any, port: str, email: str) -> None:
    page.goto(f"http://entente.localhost:{port}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
        "mot-de-passe-solide-42"
    )
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_upload_new_version_restore_then_a_reader_downloads(
    page: Any, browser: Any, tree: dict[str, Any], django_db_blocker: Any
) -> None:
    files = Path(tempfile.mkdtemp(prefix="entente-browser-"))
    (files / "Règlement intérieur.pdf").write_bytes(FIRST)
    (files / "v2").mkdir()
    (files / "v2" / "Règlement intérieur.pdf").write_bytes(SECOND)
    with live_asgi_server() as port:
        _log_in(page, port, tree["agent"].email)
        host = tree["tenant"].primary_host
        page.goto(f"http://{host}:{port}/espaces/{tree['space'].pk}/documents/")
        page.locator("[data-drop-zone]").wait_for()  # the enhancement is on
        page.get_by_label("Fichiers", exact=True).set_input_files(
            str(files / "Règlement intérieur.pdf")
        )
        page.get_by_role("button", name="Déposer", exact=True).click()
        page.get_by_role("link", name="Règlement intérieur.pdf").click()
        page.get_by_role("heading", name="Règlement intérieur.pdf").wait_for()

        page.get_by_label("Fichier", exact=True).set_input_files(
            str(files / "v2" / "Règlement intérieur.pdf")
        )
        page.get_by_label("Note de version (facultative)").fill("Relu par la DGS")
        page.get_by_role("button", name="Déposer la version").click()
        page.get_by_text("Relu par la DGS").wait_for()
        page.get_by_role("button", name="Restaurer v1").click()
        page.get_by_text("Restauration de la version 1").wait_for()

        with django_db_blocker.unblock(), tenant_context(tree["tenant"]):
            document = Document.objects.get(folder__space=tree["space"])
            assert list(document.versions.values_list("number", flat=True)) == [3, 2, 1]
            assert document.current is not None
            assert document.current.restored_from is not None
            assert document.current.restored_from.number == 1

        context = browser.new_context(locale="fr-FR", accept_downloads=True)
        context.set_default_timeout(15_000)
        reader = context.new_page()
        try:
            _log_in(reader, port, tree["reader"].email)
            reader.goto(f"http://{host}:{port}/documents/fichiers/{document.pk}/")
            assert reader.get_by_role("button", name="Restaurer v2").count() == 0
            with reader.expect_download() as info:
                reader.get_by_role("link", name="Télécharger Règlement intérieur.pdf").click()
            download = info.value
            assert download.suggested_filename == "Règlement intérieur.pdf"
            assert Path(download.path()).read_bytes() == FIRST
        finally:
            context.close()
