"""`/scim/v2/…` on a collectivité's host: its directory, holding its token, provisions its
people (RFC 7644). Thin: JSON in and out, `services` decides."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from entente.accounts.models import User
from tenants.models import Tenant

from . import resources, services
from .services import ScimError

CONTENT_TYPE = "application/scim+json"


def _json(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, _("Le corps n'est pas du JSON."), "invalidSyntax") from None


def scim_endpoint(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The token of the host's collectivité opens it, nothing else (not a session: a person is
    no directory); errors are SCIM's JSON."""

    @csrf_exempt
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        header = request.headers.get("Authorization", "")
        raw = header[7:].strip() if header[:7].lower() == "bearer " else ""
        if not isinstance(tenant, Tenant) or tenant.schema_name == "public":
            return _json(resources.error(404, _("Pas de SCIM sur ce domaine.")), 404)
        if not raw or not services.token_opens(tenant, raw):
            response = _json(resources.error(401, _("Jeton SCIM absent ou invalide.")), 401)
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        try:
            return view(request, tenant, *args, **kwargs)
        except ScimError as error:
            return _json(resources.error(error.status, error.detail, error.scim_type), error.status)

    return wrapped


def _method_not_allowed() -> HttpResponse:
    return _json(resources.error(405, _("Méthode non prise en charge ici.")), 405)


@scim_endpoint
def service_provider_config(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return _json(
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": 200},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Bearer",
                    "description": _("Le jeton de la page « Provisionnement » de la collectivité."),
                    "primary": True,
                }
            ],
        }
    )


@scim_endpoint
def resource_types(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    base = resources.base_url(tenant)
    types = [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": name,
            "name": name,
            "endpoint": f"/{name}s",
            "schema": schema,
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{name}"},
        }
        for name, schema in (("User", resources.USER_SCHEMA), ("Group", resources.GROUP_SCHEMA))
    ]
    return _json(resources.list_response(types, len(types), 1))


@scim_endpoint
def users(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    if request.method == "POST":
        user = services.create_user(tenant, resources.person_from(_body(request)))
        return _json(resources.user_resource(tenant, user), 201)
    if request.method != "GET":
        return _method_not_allowed()
    wanted = resources.parse_filter(request.GET.get("filter"), {"username", "externalid", "id"})
    ids = services.visible_user_ids(tenant)
    people = User.objects.filter(pk__in=ids).order_by("pk")
    if wanted is not None:
        name, value = wanted
        if name == "username":
            people = people.filter(email__iexact=value)
        elif name == "id":
            people = people.filter(pk=int(value) if value.isdigit() else 0)
        else:
            people = people.filter(scim_records__tenant=tenant, scim_records__external_id=value)
    start, count = resources.page(request.GET)
    total = people.count()
    chosen = list(people[start - 1 : start - 1 + count])
    found = [resources.user_resource(tenant, user) for user in chosen]
    return _json(resources.list_response(found, total, start))


@scim_endpoint
def user_detail(request: HttpRequest, tenant: Tenant, user_id: str) -> HttpResponse:
    return _user_detail(request, tenant, int(user_id))


def _user_detail(request: HttpRequest, tenant: Tenant, user_id: int) -> HttpResponse:
    if request.method == "GET":
        return _json(resources.user_resource(tenant, services.person(tenant, user_id)))
    if request.method == "PUT":
        user = services.update_user(tenant, user_id, resources.person_from(_body(request)))
        return _json(resources.user_resource(tenant, user))
    if request.method == "PATCH":
        user = services.update_user(tenant, user_id, resources.user_patch(_body(request)))
        return _json(resources.user_resource(tenant, user))
    if request.method == "DELETE":
        services.delete_user(tenant, user_id)
        return HttpResponse(status=204)
    return _method_not_allowed()


@scim_endpoint
def groups(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    if request.method == "POST":
        raise ScimError(
            409,
            _(
                "Les groupes d'Entente sont ses trois rôles, qui existent déjà : admin, agent, "
                "elected."
            ),
            "uniqueness",
        )
    if request.method != "GET":
        return _method_not_allowed()
    wanted = resources.parse_filter(request.GET.get("filter"), {"displayname", "id"})
    roles = list(services.group_names())
    if wanted is not None:
        name, value = wanted
        roles = [
            role
            for role in roles
            if (value == role if name == "id" else value == services.group_names()[role])
        ]
    found = [resources.group_resource(tenant, role) for role in roles]
    return _json(resources.list_response(found, len(found), 1))


@scim_endpoint
def group_detail(request: HttpRequest, tenant: Tenant, role: str) -> HttpResponse:
    if role not in services.group_names():
        raise ScimError(404, _("Les groupes sont les trois rôles : admin, agent, elected."))
    if request.method == "PATCH":
        for op, user_ids in resources.group_patch(_body(request)):
            if op == "add":
                services.add_to_group(tenant, role, user_ids)
            elif op == "remove":
                services.remove_from_group(tenant, role, user_ids)
            else:
                services.replace_group(tenant, role, user_ids)
    elif request.method == "PUT":
        body = _body(request)
        members = body.get("members", []) if isinstance(body, dict) else None
        if not isinstance(members, list):
            raise ScimError(400, _("« members » doit être une liste."), "invalidValue")
        services.replace_group(tenant, role, resources.group_member_ids(members))
    elif request.method == "DELETE":
        raise ScimError(400, _("Un rôle ne se supprime pas."), "mutability")
    elif request.method != "GET":
        return _method_not_allowed()
    return _json(resources.group_resource(tenant, role))
