"""`{% activation_block tenant %}`: the trial's activation on the vendor console's tenant page."""

from __future__ import annotations

from typing import Any

from django import template

from tenants.models import Tenant

from ..selectors import trial_activation

register = template.Library()


@register.inclusion_tag("analytics/_activation.html")
def activation_block(tenant: Tenant) -> dict[str, Any]:
    return {"activation": trial_activation(tenant)}
