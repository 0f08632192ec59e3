"""The tenant export holds everything and re-imports into a new tenant equal (tenants/export.py).

The round trip on the demo is in tests/test_navigation_demo.py (its seeded module fixture)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.discussions.services import add_comment as comment_thread
from entente.discussions.services import create_thread
from entente.documents import services as documents
from entente.documents.selectors import tree_root
from entente.search.models import SearchEntry
from entente.spaces.services import create_space
from entente.sso.models import SamlConnection
from entente.tasks import services as tasks
from tenants import export
from tenants.models import MfaPolicy, Tenant
from tests.support.acting import member
from tests.support.export_roundtrip import assert_round_trip

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_every_model_of_a_tenant_app_is_exported_or_excluded_with_a_reason() -> None:
    registered = {s.model._meta.label for s in export.sections().values() if s.model}
    reasons = export.excluded()
    missing = [
        model._meta.label
        for name in settings.TENANT_APPS
        if name != "django.contrib.contenttypes"
        for model in apps.get_app_config(name.rsplit(".", 1)[-1]).get_models(
            include_auto_created=True
        )
        if model._meta.label not in registered and model._meta.label not in reasons
    ]
    assert not missing, f"add them to the app's exports.py (register_models or exclude): {missing}"
    assert all(reason.strip() for reason in reasons.values())


def _fill(tenant: Tenant, author: User) -> None:
    acting = member(author, tenant)
    with tenant_context(tenant):
        space = create_space(acting, name="Voirie communale")
        task = tasks.create_task(acting, space=space, title="Reboucher les nids-de-poule")
        tasks.add_comment(acting, task, body="<p>Devis reçu de l'entreprise Morice.</p>")
        tasks.add_attachment(
            acting, task, upload=SimpleUploadedFile("devis.pdf", PDF, "application/pdf")
        )
        version = documents.upload(
            membership=acting, folder=tree_root(space), name="Plan.pdf", content=io.BytesIO(PDF)
        )
        documents.add_version(
            membership=acting, document=version.document, content=io.BytesIO(PDF + b"v2")
        )
        thread = create_thread(acting, space=space, title="Chantier", body="<p>Quand ?</p>")
        comment_thread(acting, thread, body="<p>En mars.</p>")


def test_a_tenant_restores_equal_with_its_files(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    _fill(tenant_a, make_user(tenant=tenant_a, role=Role.ADMIN, full_name="Odile Bréhier"))
    tenant_a.mfa_required_for = MfaPolicy.ADMINS  # this object only: the row stays as it was
    directory = SamlConnection.objects.create(
        tenant=tenant_a,
        label="Annuaire de Legé",
        idp_entity_id="https://annuaire.lege.fr/saml",
        sso_url="https://annuaire.lege.fr/sso",
        x509cert="MIIB",
    )
    try:
        counts = assert_round_trip(tenant_a)
    finally:
        tenant_a.mfa_required_for = MfaPolicy.NOBODY
    copy = Tenant.objects.get(slug="copie-export")
    assert copy.mfa_required_for == MfaPolicy.ADMINS  # the two-factor rule goes with it
    copied = SamlConnection.objects.get(tenant=copy)  # and the SAML directory
    assert (copied.label, copied.sso_url, copied.x509cert) == (
        directory.label,
        directory.sso_url,
        directory.x509cert,
    )
    # Its search entries are rebuilt: the restored task is found in the copy.
    found = set(SearchEntry.objects.filter(tenant_id=copy.pk).values_list("kind", flat=True))
    assert {"space", "task", "document", "discussion"} <= found
    assert counts["task_attachments"] == 1
    # Plan.pdf's two versions, and the task's attachment, which is a document of its space.
    assert counts["document_versions"] == 3
    assert counts["discussion_comments"] >= 1
    assert counts["memberships"] >= 1


def test_the_zip_has_a_manifest_a_schema_and_the_people_it_names(
    tenant_a: Tenant, make_user: Callable[..., User], tmp_path
) -> None:
    author = make_user(tenant=tenant_a, role=Role.ADMIN, full_name="Odile Bréhier")
    _fill(tenant_a, author)
    archive = zipfile.ZipFile(io.BytesIO(export.build_archive(tenant_a)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == export.FORMAT
    listed = {entry["file"] for entry in manifest["files"]}
    assert {"tasks.json", "task_attachments.json", "meetings.json", "people.json"} - listed == {
        "people.json"
    }
    people = json.loads(archive.read("people.json"))
    assert {"id": author.pk, "email": author.email, "full_name": "Odile Bréhier"} in people
    schema = json.loads(archive.read("schema.json"))
    assert schema["properties"]["tasks.json"]["items"]["properties"]["title"]["type"] == "string"
    path = tmp_path / "export.zip"
    path.write_bytes(export.build_archive(tenant_a))
    call_command("restore_tenant", str(path), as_slug="copie-commande", stdout=io.StringIO())
    copy = Tenant.objects.get(slug="copie-commande")
    with tenant_context(copy):
        assert (
            apps.get_model("tasks", "Task").objects.filter(title__startswith="Reboucher").exists()
        )


def test_times_keep_every_microsecond() -> None:
    """Django's JSON encoder cuts to the millisecond: a restore would not give back the rows."""
    import datetime

    moment = datetime.datetime(2026, 12, 6, 20, 46, 54, 412, tzinfo=datetime.UTC)
    dumped = json.loads(export._dump({"at": moment, "time": moment.time(), "day": moment.date()}))
    assert dumped == {
        "at": "2026-12-06T20:46:54.000412Z",
        "time": "20:46:54.000412",
        "day": "2026-12-06",
    }
    assert datetime.datetime.fromisoformat(dumped["at"]) == moment
