"""SCIM's JSON, both ways: resources as a directory reads them, its requests as `Person`s and
group changes. Lenient where directories differ (Entra ID's `"False"` strings and capitalised
ops, Okta's path-less `replace`), strict where a wrong guess would change the wrong thing."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from entente.accounts.models import Membership, Role, User
from tenants.models import Tenant

from .models import ScimUser
from .services import Person, ScimError, group_members, group_names

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
FILTER = re.compile(r'^\s*([A-Za-z.]+)\s+eq\s+"([^"]*)"\s*$')
MEMBER_FILTER = re.compile(r'^\s*members\s*\[\s*value\s+eq\s+"([^"]+)"\s*\]\s*$', re.IGNORECASE)


def base_url(tenant: Tenant) -> str:
    return tenant.url("/scim/v2")


def _split(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.partition(" ")
    return first, last


def user_resource(tenant: Tenant, user: User) -> dict[str, Any]:
    membership = Membership.objects.filter(tenant=tenant, user=user).first()
    record = ScimUser.objects.filter(tenant=tenant, user=user).first()
    role = membership.role if membership else (record.role if record else Role.AGENT)
    given, family = _split(user.full_name or "")
    return {
        "schemas": [USER_SCHEMA],
        "id": str(user.pk),
        "externalId": record.external_id if record and record.external_id else None,
        "userName": user.email,
        "name": {"formatted": user.full_name, "givenName": given, "familyName": family},
        "displayName": user.display_name,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": membership is not None,
        "groups": [{"value": role, "display": group_names().get(role, role)}],
        "meta": {
            "resourceType": "User",
            "created": user.date_joined.isoformat(),
            "lastModified": (record.updated_at if record else user.date_joined).isoformat(),
            "location": f"{base_url(tenant)}/Users/{user.pk}",
        },
    }


def group_resource(tenant: Tenant, role: str) -> dict[str, Any]:
    return {
        "schemas": [GROUP_SCHEMA],
        "id": role,
        "displayName": group_names()[role],
        "members": [
            {"value": str(m.user_id), "display": m.user.display_name}
            for m in group_members(tenant, role)
        ],
        "meta": {"resourceType": "Group", "location": f"{base_url(tenant)}/Groups/{role}"},
    }


def list_response(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def error(status: int, detail: str, scim_type: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return body


def parse_filter(raw: str | None, allowed: set[str]) -> tuple[str, str] | None:
    if not raw:
        return None
    match = FILTER.match(raw)
    if match is None or match.group(1).lower() not in allowed:
        raise ScimError(
            400,
            _('Filtre non pris en charge : seuls « %(names)s eq "…" » le sont.')
            % {"names": ", ".join(sorted(allowed))},
            "invalidFilter",
        )
    return match.group(1).lower(), match.group(2)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise ScimError(400, _("« active » doit valoir true ou false."), "invalidValue")


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ScimError(400, _("« %(name)s » doit être un texte.") % {"name": name}, "invalidValue")
    return value


def _primary_email(emails: Any) -> str | None:
    if not isinstance(emails, list):
        return None
    chosen = [e for e in emails if isinstance(e, dict) and e.get("primary")] or [
        e for e in emails if isinstance(e, dict)
    ]
    return _text(chosen[0].get("value"), "emails") if chosen else None


def person_from(body: Any) -> Person:
    """A User resource (POST, PUT, or a path-less PATCH value)."""
    if not isinstance(body, dict):
        raise ScimError(400, _("Le corps doit être un objet JSON."), "invalidSyntax")
    given = body.get("name")
    name: dict[str, Any] = given if isinstance(given, dict) else {}
    fields: dict[str, Any] = {}
    if "userName" in body:
        fields["user_name"] = _text(body["userName"], "userName")
    elif "emails" in body:
        fields["user_name"] = _primary_email(body["emails"])
    for key, attribute in (("given_name", "givenName"), ("family_name", "familyName")):
        if attribute in name:
            fields[key] = _text(name[attribute], f"name.{attribute}")
    for key, attribute in (("display_name", "displayName"), ("external_id", "externalId")):
        if attribute in body and body[attribute] is not None:
            fields[key] = _text(body[attribute], attribute)
    if "active" in body:
        fields["active"] = _bool(body["active"])
    return Person(**fields)


USER_PATHS = {
    "active": "active",
    "username": "userName",
    "displayname": "displayName",
    "externalid": "externalId",
    "name.givenname": "name.givenName",
    "name.familyname": "name.familyName",
    'emails[type eq "work"].value': "userName",
}


def _operations(body: Any) -> list[dict[str, Any]]:
    operations = body.get("Operations") if isinstance(body, dict) else None
    if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
        raise ScimError(
            400, _("Une requête PATCH porte une liste « Operations »."), "invalidSyntax"
        )
    for operation in operations:
        if str(operation.get("op", "")).lower() not in {"add", "replace", "remove"}:
            raise ScimError(400, _("Opération inconnue : add, replace ou remove."), "invalidSyntax")
    return operations


def user_patch(body: Any) -> Person:
    """PATCH on a User, folded into one `Person` (later operations win)."""
    merged: dict[str, Any] = {}
    for operation in _operations(body):
        op, path, value = (
            str(operation["op"]).lower(),
            operation.get("path"),
            operation.get("value"),
        )
        if op == "remove":
            raise ScimError(
                400, _("Entente ne retire pas d'attribut : utilisez active=false."), "mutability"
            )
        if not path:
            merged.update(vars(person_from(value)))
            continue
        target = USER_PATHS.get(str(path).lower())
        if target is None:
            raise ScimError(
                400, _("Attribut non modifiable : %(path)s.") % {"path": path}, "invalidPath"
            )
        value = {"name": {target[5:]: value}} if target.startswith("name.") else {target: value}
        merged.update({k: v for k, v in vars(person_from(value)).items() if v is not None})
    return Person(**{k: v for k, v in merged.items() if v is not None})


def group_member_ids(value: Any) -> list[int]:
    members = value if isinstance(value, list) else [value]
    ids = []
    for member in members:
        raw = member.get("value") if isinstance(member, dict) else None
        if not isinstance(raw, str) or not raw.isdigit():
            raise ScimError(400, _("Un membre se donne par son « value » (id)."), "invalidValue")
        ids.append(int(raw))
    return ids


def group_patch(body: Any) -> list[tuple[str, list[int]]]:
    """PATCH on a Group: ("add" | "remove" | "replace", user ids) in order."""
    changes: list[tuple[str, list[int]]] = []
    for operation in _operations(body):
        op, path, value = (
            str(operation["op"]).lower(),
            operation.get("path"),
            operation.get("value"),
        )
        path_text = str(path or "")
        single = MEMBER_FILTER.match(path_text)
        if op == "remove" and single:
            changes.append(("remove", [int(single.group(1))]))
        elif path_text.lower() == "members":
            changes.append((op, group_member_ids(value) if value is not None else []))
        elif not path and isinstance(value, dict) and "members" in value:
            changes.append((op, group_member_ids(value["members"])))
        elif not path and isinstance(value, dict) and set(value) <= {"id", "displayName"}:
            continue  # Entra ID restates the name with each change: the role keeps its own
        else:
            raise ScimError(
                400,
                _("Seuls les membres d'un groupe changent : les groupes sont les rôles."),
                "mutability",
            )
    return changes


def page(request_get: Any) -> tuple[int, int]:
    """startIndex (1-based) and count, bounded."""
    try:
        start = max(1, int(request_get.get("startIndex", 1)))
        count = min(200, max(0, int(request_get.get("count", 100))))
    except ValueError:
        raise ScimError(
            400, _("startIndex et count sont des nombres entiers."), "invalidValue"
        ) from None
    return start, count
