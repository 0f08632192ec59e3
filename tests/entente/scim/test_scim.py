"""SCIM 2.0 as a collectivité's directory speaks it: the requests Entra ID and Okta send when
they provision, update, deactivate and group people (RFC 7644), on the collectivité's host,
with its token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.activity.models import ActivityEntry
from entente.scim import services
from entente.scim.models import ScimToken, ScimUser
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Directory:
    """What the directory holds: the collectivité's SCIM address and token."""

    def __init__(self, tenant: Tenant, token: str) -> None:
        self.client = Client(HTTP_HOST=tenant.primary_host)
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return getattr(self.client, method)(
            f"/scim/v2{path}",
            data=data,
            content_type="application/scim+json",
            headers=self.headers,
        )


def _admin(tenant: Tenant, make_user: Any) -> Membership:
    return Membership.objects.get(user=make_user(tenant=tenant, role=Role.ADMIN), tenant=tenant)


@pytest.fixture
def directory(tenant_a: Tenant, make_user: Any) -> Directory:
    with tenant_context(tenant_a):
        token = services.new_token(_admin(tenant_a, make_user), tenant_a)
    return Directory(tenant_a, token)


def _new_user(email: str, external_id: str = "0001") -> dict[str, Any]:
    """Entra ID's POST /Users."""
    return {
        "schemas": [USER],
        "externalId": external_id,
        "userName": email,
        "active": True,
        "displayName": "Claire Fouché",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "name": {"formatted": "Claire Fouché", "familyName": "Fouché", "givenName": "Claire"},
    }


def test_a_directory_provisions_a_newcomer_who_chooses_a_password(
    tenant_a: Tenant, directory: Directory, django_capture_on_commit_callbacks: Any
) -> None:
    # Entra ID first looks the person up, then creates them.
    found = directory.call("get", '/Users?filter=userName+eq+"claire.fouche@lege.fr"')
    assert found.status_code == 200
    assert found.json()["totalResults"] == 0
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        created = directory.call("post", "/Users", _new_user("claire.fouche@lege.fr"))

    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/scim+json"
    body = created.json()
    assert body["userName"] == "claire.fouche@lege.fr"
    assert body["active"] is True
    assert body["externalId"] == "0001"
    assert body["groups"] == [{"value": "agent", "display": "Agents"}]
    user = User.objects.get(pk=int(body["id"]))
    assert user.full_name == "Claire Fouché"
    assert not user.has_usable_password()
    assert not EmailAddress.objects.get(user=user).verified  # she proves it by choosing one
    assert Membership.objects.get(user=user, tenant=tenant_a).role == Role.AGENT
    (welcome,) = mail.outbox
    assert welcome.to == ["claire.fouche@lege.fr"]
    assert "/comptes/password/reset/" in welcome.body
    assert directory.call("get", f"/Users/{user.pk}").json()["id"] == str(user.pk)
    listed = directory.call("get", '/Users?filter=externalId+eq+"0001"').json()
    assert [r["id"] for r in listed["Resources"]] == [str(user.pk)]
    with tenant_context(tenant_a):
        assert ActivityEntry.objects.filter(verb="scim.user_provisioned").exists()
    # Twice the same person: a conflict, as RFC 7644 says.
    again = directory.call("post", "/Users", _new_user("claire.fouche@lege.fr"))
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"


def test_deactivating_removes_access_and_reactivating_restores_the_role(
    tenant_a: Tenant, directory: Directory
) -> None:
    user_id = directory.call("post", "/Users", _new_user("marc@lege.fr")).json()["id"]
    directory.call(
        "patch",
        "/Groups/elected",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": user_id}]}],
        },
    )
    # Entra ID's soft delete: a capitalised op, a string boolean.
    off = directory.call(
        "patch",
        f"/Users/{user_id}",
        {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]},
    )
    assert off.status_code == 200, off.content
    assert off.json()["active"] is False
    assert not Membership.objects.filter(user_id=user_id, tenant=tenant_a).exists()
    assert ScimUser.objects.get(user_id=user_id, tenant=tenant_a).active is False
    # Okta's path-less replace brings them back, an élu again.
    on = directory.call(
        "patch",
        f"/Users/{user_id}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]},
    )
    assert on.json()["active"] is True
    assert Membership.objects.get(user_id=user_id, tenant=tenant_a).role == Role.ELECTED
    # DELETE: the access goes, the account stays.
    assert directory.call("delete", f"/Users/{user_id}").status_code == 204
    assert not Membership.objects.filter(user_id=user_id, tenant=tenant_a).exists()
    assert User.objects.filter(pk=user_id).exists()
    assert directory.call("get", f"/Users/{user_id}").status_code == 404


def test_groups_are_the_roles_and_an_admin_always_remains(
    tenant_a: Tenant, directory: Directory
) -> None:
    listed = directory.call("get", "/Groups").json()
    assert {g["id"] for g in listed["Resources"]} == {"admin", "agent", "elected"}
    admins = directory.call("get", '/Groups?filter=displayName+eq+"Administrateurs"').json()
    (only_admin,) = admins["Resources"][0]["members"]
    user_id = directory.call("post", "/Users", _new_user("ines@lege.fr")).json()["id"]

    added = directory.call(
        "patch",
        "/Groups/admin",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "value": {"id": "admin", "displayName": "Administrateurs"}},
                {"op": "Add", "path": "members", "value": [{"value": user_id}]},
            ],
        },
    )
    assert added.status_code == 200, added.content
    assert Membership.objects.get(user_id=user_id, tenant=tenant_a).role == Role.ADMIN
    # Out of the group: an agent again.
    removed = directory.call(
        "patch",
        "/Groups/admin",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "Remove", "path": f'members[value eq "{user_id}"]'}],
        },
    )
    assert removed.status_code == 200
    assert Membership.objects.get(user_id=user_id, tenant=tenant_a).role == Role.AGENT
    # The last admin cannot be taken out, nor deactivated.
    last = directory.call(
        "put", "/Groups/admin", {"schemas": ["x"], "displayName": "Administrateurs", "members": []}
    )
    assert last.status_code == 400
    assert last.json()["scimType"] == "mutability"
    assert "au moins un administrateur" in last.json()["detail"]
    assert Membership.objects.get(user_id=int(only_admin["value"]), tenant=tenant_a).role == "admin"
    assert directory.call("post", "/Groups", {"displayName": "Voirie"}).status_code == 409
    assert directory.call("get", "/Groups/voirie").status_code == 404


def test_an_existing_account_keeps_its_name_and_joins(
    tenant_a: Tenant, tenant_b: Tenant, directory: Directory, make_user: Any
) -> None:
    """A person who works elsewhere too: the directory gives them access here, never changes
    the name or address they have across collectivités."""
    person = make_user("agnes@paulx.fr", tenant=tenant_b, full_name="Agnès Paulx")
    created = directory.call("post", "/Users", _new_user("Agnes@Paulx.fr"))
    assert created.status_code == 201
    assert created.json()["id"] == str(person.pk)
    assert Membership.objects.filter(user=person, tenant=tenant_a).exists()
    directory.call(
        "put", f"/Users/{person.pk}", {**_new_user("agnes@paulx.fr"), "name": {"givenName": "X"}}
    )
    person.refresh_from_db()
    assert person.full_name == "Agnès Paulx"
    citizen = make_user("citoyen@exemple.fr", tenant=tenant_a, role=Role.GUEST)
    hired = directory.call("post", "/Users", _new_user(citizen.email, external_id="0042"))
    assert hired.json()["groups"] == [{"value": "agent", "display": "Agents"}]
    assert Membership.objects.get(user=citizen, tenant=tenant_a).role == Role.AGENT
    moved = directory.call(
        "patch",
        f"/Users/{person.pk}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "userName", "value": "a@b.fr"}],
        },
    )
    assert moved.status_code == 400
    assert moved.json()["scimType"] == "mutability"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type"),
    [
        ("post", "/Users", {"userName": "pas-une-adresse"}, 400, "invalidValue"),
        ("post", "/Users", ["liste"], 400, "invalidSyntax"),
        ("post", "/Users", {"userName": "a@b.fr", "active": "peut-être"}, 400, "invalidValue"),
        ("get", '/Users?filter=title+sw+"x"', None, 400, "invalidFilter"),
        ("get", "/Users?startIndex=abc", None, 400, "invalidValue"),
        ("patch", "/Users/1", {"Operations": [{"op": "move"}]}, 400, "invalidSyntax"),
        ("get", "/Users/999999", None, 404, ""),
    ],
)
def test_a_wrong_request_gets_a_scim_error(
    directory: Directory, method: str, path: str, body: Any, status: int, scim_type: str
) -> None:
    answer = directory.call(method, path, body)
    assert answer.status_code == status, answer.content
    error = answer.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == str(status)
    assert error.get("scimType", "") == scim_type


def test_only_the_collectivites_own_token_opens_its_scim(
    tenant_a: Tenant, tenant_b: Tenant, directory: Directory, make_user: Any, client_for: Any
) -> None:
    with tenant_context(tenant_b):
        other_token = services.new_token(_admin(tenant_b, make_user), tenant_b)
    admin = Membership.objects.filter(tenant=tenant_a, role=Role.ADMIN).first()
    assert admin is not None
    for client, headers in (
        (Client(HTTP_HOST=tenant_a.primary_host), {}),
        (Client(HTTP_HOST=tenant_a.primary_host), {"Authorization": f"Bearer {other_token}"}),
        (Client(HTTP_HOST=tenant_a.primary_host), {"Authorization": "Bearer scim_faux"}),
        (client_for(tenant_a, admin.user), {}),  # a person's session is no directory
    ):
        answer = client.get("/scim/v2/Users", headers=headers)
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"] == 'Bearer realm="scim"'
    # Legé's people are not Paulx's: Paulx's token on Paulx's host lists none of them.
    paulx = Directory(tenant_b, other_token).call("get", "/Users").json()
    assert str(admin.user_id) not in {r["id"] for r in paulx["Resources"]}
    assert directory.call("get", "/ServiceProviderConfig").json()["patch"] == {"supported": True}
    assert directory.call("get", "/ResourceTypes").json()["totalResults"] == 2


def test_the_admins_page_makes_shows_once_and_revokes_the_token(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = _admin(tenant_a, make_user)
    page = client_for(tenant_a, admin.user)
    assert "Aucun jeton" in page.get("/equipe/provisionnement/").content.decode()
    made = page.post("/equipe/provisionnement/").content.decode()
    token = ScimToken.objects.get(tenant=tenant_a)
    assert token.prefix in made
    raw = made.split('<p class="sp-values"><code>')[1].split("</code>")[0]
    assert raw.startswith("scim_")
    assert raw not in page.get("/equipe/provisionnement/").content.decode()  # shown once
    assert Directory(tenant_a, raw).call("get", "/Users").status_code == 200
    page.post("/equipe/provisionnement/", {"revoke": "1"})
    assert Directory(tenant_a, raw).call("get", "/Users").status_code == 401
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    assert client_for(tenant_a, agent).get("/equipe/provisionnement/").status_code == 403


def test_the_other_admins_hear_of_a_new_token(
    tenant_a: Tenant, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A token creates and removes people: an admin who did not make it is told."""
    from entente.notifications.models import Notification

    other = _admin(tenant_a, make_user)
    maker = _admin(tenant_a, make_user)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.new_token(maker, tenant_a)
    notice = Notification.objects.get(user=other.user)
    assert "jeton de provisionnement" in notice.title
    assert notice.url.endswith("/equipe/provisionnement/")
    assert not Notification.objects.filter(user=maker.user).exists()


def test_the_api_makes_and_revokes_the_token(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = _admin(tenant_a, make_user)
    api = client_for(tenant_a, admin.user)
    assert api.get("/api/v1/team/scim-token/").json()["active"] is False
    made = api.post("/api/v1/team/scim-token/")
    assert made.status_code == 201
    raw = made.json()["token"]
    assert made.json()["scim_url"].endswith("/scim/v2")
    assert "token" not in api.get("/api/v1/team/scim-token/").json()  # shown once
    assert Directory(tenant_a, raw).call("get", "/Users").status_code == 200
    assert api.delete("/api/v1/team/scim-token/").status_code == 204
    assert Directory(tenant_a, raw).call("get", "/Users").status_code == 401
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    assert client_for(tenant_a, agent).post("/api/v1/team/scim-token/").status_code == 403
