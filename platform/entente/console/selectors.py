"""Reads of the console: tenants with their usage, support accesses, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Count, F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts import mfa
from entente.accounts.models import Membership, Role
from entente.team.selectors import colleagues_of, second_factor_holders
from tenants.models import FederationLink, FederationState, Tenant, TenantEvent, TenantKind

from .models import SUPPORT_ACTIONS, AuditEntry, SupportGrant

M = TypeVar("M", bound=Model)

SORTS: dict[str, str | OrderBy] = {
    "name": "name",
    "-name": "-name",
    "created": "created_at",
    "-created": "-created_at",
    "trial_end": "trial_ends_at",
    "-trial_end": "-trial_ends_at",
    "members": "member_count",
    "-members": "-member_count",
    # the activation score (entente.analytics.TrialActivation, hourly): never computed last
    "activation": F("activation_score").asc(nulls_last=True),
    "-activation": F("activation_score").desc(nulls_last=True),
}


@dataclass(frozen=True)
class TenantFilters:
    q: str = ""
    state: str = ""
    kind: str = ""
    departement: str = ""
    epci: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    trial_end_from: date | None = None
    trial_end_to: date | None = None
    activation_min: int | None = None
    activation_max: int | None = None
    sort: str = "name"


def filter_given(queryset: QuerySet[M], **lookups: object) -> QuerySet[M]:
    """`queryset` filtered by each lookup that has a value: an empty field is no filter."""
    return queryset.filter(
        **{lookup: value for lookup, value in lookups.items() if value not in ("", None)}
    )


def search_tenants(filters: TenantFilters) -> QuerySet[Tenant]:
    """Tenants matching the filters, with their member count, in the chosen order."""
    tenants = Tenant.objects.exclude(schema_name="public").annotate(
        member_count=Count("memberships", distinct=True), activation_score=F("activation__score")
    )
    if filters.q:
        tenants = tenants.filter(
            Q(name__icontains=filters.q) | Q(slug__icontains=filters.q) | Q(official_code=filters.q)
        )
    tenants = filter_given(
        tenants,
        state=filters.state,
        kind=filters.kind,
        departement=filters.departement,
        created_at__date__gte=filters.created_from,
        created_at__date__lte=filters.created_to,
        trial_ends_at__date__gte=filters.trial_end_from,
        trial_ends_at__date__lte=filters.trial_end_to,
        activation__score__gte=filters.activation_min,
        activation__score__lte=filters.activation_max,
    )
    if filters.epci is not None:
        linked = FederationLink.objects.filter(
            epci_id=filters.epci, state=FederationState.ACTIVE
        ).values("commune_id")
        tenants = tenants.filter(Q(pk=filters.epci) | Q(pk__in=linked))
    return tenants.order_by(SORTS.get(filters.sort, "name"), "pk")


def epci_choices() -> QuerySet[Tenant]:
    return Tenant.objects.filter(kind=TenantKind.EPCI).order_by("name")


def departement_choices() -> list[str]:
    return list(
        Tenant.objects.exclude(departement="")
        .order_by("departement")
        .values_list("departement", flat=True)
        .distinct()
    )


def admins_of(tenant: Tenant) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN)
        .select_related("user")
        .order_by("user__email")
    )


@dataclass(frozen=True)
class WithoutSecondFactor:
    membership: Membership
    covered: bool  # the collectivité's two-factor policy asks them for one


def staff_without_second_factor(tenant: Tenant) -> list[WithoutSecondFactor]:
    """The collectivité's staff who have no second factor, those its policy covers first."""
    staff = list(colleagues_of(tenant))
    holders = second_factor_holders(staff)
    roles = mfa.roles_covered(tenant)
    lacking = [
        WithoutSecondFactor(member, member.role in roles)
        for member in staff
        if member.user_id not in holders
    ]
    return sorted(lacking, key=lambda row: not row.covered)  # stable: by name within each


def federation_links_of(tenant: Tenant) -> QuerySet[FederationLink]:
    return (
        FederationLink.objects.filter(Q(epci=tenant) | Q(commune=tenant))
        .select_related("epci", "commune")
        .order_by("epci__name", "commune__name")
    )


# Content that the console counts (never reads): label → (app label, model name).
COUNTED = {
    "spaces": ("spaces", "Space"),
    "tasks": ("tasks", "Task"),
    "activity": ("activity", "ActivityEntry"),
}


def content_counts(tenant: Tenant) -> dict[str, int]:
    """How much content the tenant has, counted in its schema. Apps not installed are skipped."""
    counts: dict[str, int] = {}
    with tenant_context(tenant):
        for label, (app_label, model_name) in COUNTED.items():
            try:
                model: Any = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            counts[label] = model.objects.count()
    return counts


def history_of(tenant: Tenant) -> QuerySet[TenantEvent]:
    return TenantEvent.objects.filter(tenant=tenant).select_related("actor")


def active_grant(tenant: Tenant) -> SupportGrant | None:
    return (
        SupportGrant.objects.filter(
            tenant=tenant, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def grants_of(tenant: Tenant) -> QuerySet[SupportGrant]:
    return SupportGrant.objects.filter(tenant=tenant).select_related("granted_by", "revoked_by")


@dataclass(frozen=True)
class AuditFilters:
    tenant: str = ""  # slug
    actor: str = ""  # e-mail, or part of it
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entries(filters: AuditFilters) -> QuerySet[AuditEntry]:
    return filter_given(
        AuditEntry.objects.select_related("tenant", "actor"),
        tenant__slug=filters.tenant,
        actor__email__icontains=filters.actor,
        action=filters.action,
        created_at__date__gte=filters.date_from,
        created_at__date__lte=filters.date_to,
    )


def support_log_of(tenant: Tenant) -> QuerySet[AuditEntry]:
    """What the tenant's admins may read: every support access event on their tenant."""
    return AuditEntry.objects.filter(tenant=tenant, action__in=SUPPORT_ACTIONS).select_related(
        "actor"
    )
