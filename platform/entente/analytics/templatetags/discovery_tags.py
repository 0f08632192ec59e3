"""Template tags of discovery and activation.

- `{% activation_block tenant %}`: the trial's activation on the vendor console's tenant page;
- `{% discovery_level %}`: the person's level in the header (a link to « Ma découverte »);
- `{% discovery_suggestion %}`: at most one gentle suggestion on the page it concerns, never on
  a form in error, never again once dismissed;
- `{% home_discovery %}` and `{% home_adoption %}`: the home page's next step to discover and,
  for admins, the adoption in three figures.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.http import HttpRequest

from tenants.models import Tenant

from ..access import may_see_adoption, may_see_discovery
from ..discovery import Feature, features
from ..selectors import (
    header_state,
    level_for,
    person_discovery,
    suggestion_for,
    tenant_adoption,
    trial_activation,
)

register = template.Library()


@register.inclusion_tag("analytics/_activation.html")
def activation_block(tenant: Tenant) -> dict[str, Any]:
    return {"activation": trial_activation(tenant)}


def _state(context: template.Context) -> tuple[int, set[str], set[str]] | None:
    """The person's header state, once per request (a cache read, a query when cold)."""
    request: HttpRequest | None = context.get("request")
    membership = context.get("current_membership")
    tenant = context.get("current_tenant")
    if request is None or tenant is None or membership is None:
        return None
    if not may_see_discovery(membership):
        return None
    state = getattr(request, "_discovery_header", None)
    if state is None:
        state = header_state(membership.user_id, tenant)
        request._discovery_header = state  # type: ignore[attr-defined]
    return state


@register.inclusion_tag("analytics/_level.html", takes_context=True)
def discovery_level(context: template.Context) -> dict[str, Any]:
    state = _state(context)
    if state is None:
        return {"percent": None}
    return {"percent": state[0], "level": level_for(state[0])}


def _form_in_error(context: template.Context) -> bool:
    for value in context.flatten().values():
        if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and not value.is_valid():
            return True
    return False


@register.inclusion_tag("analytics/_suggestion.html", takes_context=True)
def discovery_suggestion(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or request.method != "GET":
        return {"feature": None}
    url_name = match.view_name
    if not any(url_name in f.suggest_on for f in features()):  # most pages: no query at all
        return {"feature": None}
    if _form_in_error(context):
        return {"feature": None}
    state = _state(context)
    feature: Feature | None = None
    if state is not None:
        feature = suggestion_for(url_name, state[1], state[2])
    return {"feature": feature, "next": request.get_full_path()}


@register.inclusion_tag("analytics/_home_discovery.html", takes_context=True)
def home_discovery(context: template.Context) -> dict[str, Any]:
    """The home page's next step of the discovery score: the first feature still to try."""
    membership = context.get("current_membership")
    tenant = context.get("current_tenant")
    if tenant is None or membership is None or not may_see_discovery(membership):
        return {"feature": None}
    discovery = person_discovery(membership.user_id, tenant)
    feature = discovery.next_to_try[0] if discovery.next_to_try else None
    return {"feature": feature, "percent": discovery.percent, "level": discovery.level}


@register.inclusion_tag("analytics/_home_adoption.html", takes_context=True)
def home_adoption(context: template.Context) -> dict[str, Any]:
    """For a tenant's admins, on the home page: how many use Entente, in three figures."""
    membership = context.get("current_membership")
    tenant = context.get("current_tenant")
    if tenant is None or not may_see_adoption(membership):
        return {"adoption": None}
    adoption = tenant_adoption(tenant, days=7)
    return {
        "adoption": adoption,
        "active_share": adoption.share(adoption.active_7_days),
        "halfway": adoption.above.get(50, 0),
    }
