"""Erasing a person: authorship pseudonymised, personal data deleted, and afterwards no trace of
their name or e-mail in any text or JSON column of any schema, the search index included."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import ApiToken, Membership, Role, User
from entente.accounts.services import create_api_token
from entente.core.db import connection
from entente.discussions.services import add_comment, create_thread
from entente.documents import services as documents
from entente.documents.selectors import tree_root
from entente.notifications.models import Notification
from entente.privacy.models import ErasureRecord
from entente.privacy.services import erase_person, text_columns
from entente.scim.models import ScimUser
from entente.search.models import SearchEntry
from entente.search.services import reindex_tenant
from entente.spaces.services import create_space
from entente.tasks import services as tasks
from entente.tasks.models import TaskComment
from tenants.models import Tenant
from tests.support.acting import member

NAME = "Gwendoline Kerhervé"
EMAIL = "gwendoline.kerherve@mairie-lege.fr"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def traces(schemas: list[str], needles: list[str]) -> list[str]:
    """Every (schema.table.column) whose text holds one of the needles, case-insensitively."""
    found = []
    with connection.cursor() as cursor:
        for schema in schemas:
            for table, column, _type in text_columns(schema):
                for needle in needles:
                    cursor.execute(
                        f'SELECT count(*) FROM "{schema}"."{table}" '  # noqa: S608
                        f'WHERE "{column}"::text ILIKE %s',
                        [f"%{needle}%"],
                    )
                    row = cursor.fetchone()
                    if row and row[0]:
                        found.append(f"{schema}.{table}.{column} ∋ {needle}")
    return found


@pytest.fixture
def person(tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User]) -> User:
    """Someone who wrote, uploaded and commented in two tenants, with tokens and notices."""
    gwen = make_user(EMAIL, tenant_a, Role.ADMIN, full_name=NAME, function="Secrétaire de mairie")
    EmailAddress.objects.create(user=gwen, email=EMAIL, verified=True, primary=True)
    colleague = make_user(tenant=tenant_a, full_name="Paul Morice")
    Membership.objects.create(user=gwen, tenant=tenant_b, role=Role.AGENT)
    create_api_token(gwen, name="Tableur de Gwendoline", expires_at=None)
    # Signed in once with ProConnect: the provider's identifier and what it said of her.
    SocialAccount.objects.create(
        user=gwen,
        provider="proconnect",
        uid="pc-4512",
        extra_data={"userinfo": {"sub": "pc-4512", "email": EMAIL, "usual_name": NAME}},
    )
    # Provisioned by Legé's directory (SCIM), which knows her by her address.
    ScimUser.objects.create(tenant=tenant_a, user=gwen, external_id=EMAIL, role=Role.ADMIN)
    for tenant in (tenant_a, tenant_b):
        acting = member(gwen, tenant)
        with tenant_context(tenant):
            space = create_space(acting, name=f"Espace de {NAME}")
            task = tasks.create_task(acting, space=space, title=f"Relire le budget ({NAME})")
            tasks.add_comment(acting, task, body=f"<p>Écrire à {EMAIL} pour le devis.</p>")
            tasks.add_attachment(
                acting, task, upload=SimpleUploadedFile("devis.pdf", PDF, "application/pdf")
            )
            documents.upload(
                membership=acting, folder=tree_root(space), name="Note.pdf", content=io.BytesIO(PDF)
            )
            thread = create_thread(acting, space=space, title="Budget", body="<p>Avis ?</p>")
            add_comment(acting, thread, body="<p>Je m'en occupe.</p>")
        reindex_tenant(tenant)
        connection.set_schema_to_public()
    Notification.objects.create(
        user=gwen, tenant=tenant_a, actor=colleague, title=f"Paul a répondu à {NAME}", url="/"
    )
    return gwen


def test_erasing_leaves_no_trace_of_the_name_or_the_email_anywhere(
    person: User, tenant_a: Tenant, tenant_b: Tenant, django_capture_on_commit_callbacks
) -> None:
    schemas = ["public", tenant_a.schema_name, tenant_b.schema_name]
    needles = [NAME, EMAIL]
    assert traces(schemas, needles)  # the check sees them before
    with django_capture_on_commit_callbacks(execute=True):
        record = erase_person(person, requested_by=person)
    assert traces(schemas, needles) == []
    assert not SearchEntry.objects.filter(title__icontains="Kerhervé").exists()
    assert SearchEntry.objects.filter(title__icontains="Relire le budget").exists()
    person.refresh_from_db()
    assert person.full_name == "Ancien membre"
    assert not person.is_active
    assert not person.has_usable_password()
    assert not ApiToken.objects.filter(user=person).exists()
    assert not Notification.objects.filter(user=person).exists()
    assert not Membership.objects.filter(user=person).exists()
    assert record == ErasureRecord.objects.get(user_id=person.pk)
    assert record.tenants == 2
    with tenant_context(tenant_a):
        comment = TaskComment.objects.get(author=person)  # the authorship stays, pseudonymised
        assert comment.author is not None
        assert comment.author.display_name == "Ancien membre"


def test_a_person_erases_their_own_account_after_confirming(
    person: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(None, person)
    assert client.get("/mon-compte/donnees/").status_code == 200
    refused = client.post("/mon-compte/donnees/effacer/", {"confirmation": "oui"})
    assert refused.status_code == 302
    person.refresh_from_db()
    assert person.full_name == NAME
    done = client.post("/mon-compte/donnees/effacer/", {"confirmation": "EFFACER"})
    assert done.status_code == 200
    person.refresh_from_db()
    assert person.full_name == "Ancien membre"
    assert client.get("/mon-compte/donnees/").status_code == 302  # logged out


def test_only_the_person_or_support_may_erase(person: User, make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionError):
        erase_person(person, requested_by=make_user())
    staff = make_user(is_staff=True)
    assert erase_person(person, requested_by=staff).requested_by == "support"
