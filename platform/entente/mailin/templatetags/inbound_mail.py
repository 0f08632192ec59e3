"""The e-mail → task addresses, shown where people work: « Mes tâches » and a space's tasks.

`{% personal_inbound_address %}` and `{% space_inbound_address space abilities %}` render the
address with a copy button, or nothing for a person who may not create tasks by e-mail.
"""

from __future__ import annotations

from typing import Any

from django import template

from entente.mailin import services
from entente.mailin.permissions import may_use_inbound_mail

register = template.Library()


@register.inclusion_tag("mailin/_address.html", takes_context=True)
def personal_inbound_address(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if tenant is None or membership is None or not may_use_inbound_mail(membership):
        return {"address": None}
    address = services.address_of_person(tenant, request.user)  # type: ignore[union-attr]
    return {
        "address": address,
        "personal": True,
        "target": services.personal_target(address, membership),
        "field_id": "adresse-personnelle",
    }


@register.inclusion_tag("mailin/_address.html", takes_context=True)
def space_inbound_address(context: dict[str, Any], space: Any, abilities: Any) -> dict[str, Any]:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if tenant is None or not abilities.edit or not may_use_inbound_mail(membership):
        return {"address": None}
    return {
        "address": services.address_of_space(tenant, space),
        "personal": False,
        "field_id": f"adresse-espace-{space.pk}",
    }
