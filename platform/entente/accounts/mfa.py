"""A collectivité's two-factor policy: who must have a second factor to work in it.

An admin chooses it (`entente.team.services.set_mfa_policy`); it is a column of the tenant
(`Tenant.mfa_required_for`) so that the membership check reads it for free on every request.
A second factor is an authenticator app (TOTP) or a security key (WebAuthn); recovery codes
alone are not one. The rule covers the collectivité's own staff by role, never a citizen (who
is invited into a project, not into the team), nor the staff of a member commune on the EPCI's
host (their own collectivité's policy governs their account), nor vendor staff under a support
access (the console already requires their TOTP).

A person the policy covers who has no second factor yet is sent, on every page of the
collectivité, to `/double-authentification/`, which says why and offers both ways to set one up;
the API answers 403 with the same sentence. Setting one up is under `/comptes/`, which stays
open, as do the help pages; the person's own data (`/mon-compte/`) is on the platform's domain,
which no collectivité's policy governs.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.models import MfaPolicy, Tenant

from .acting import is_support_reader
from .models import Membership, Role

# The kinds of authenticator that count as a second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

ROLES_COVERED = {
    MfaPolicy.NOBODY: frozenset[str](),
    MfaPolicy.ADMINS: frozenset({Role.ADMIN}),
    MfaPolicy.STAFF: frozenset({Role.ADMIN, Role.AGENT, Role.ELECTED}),
}

REMOVAL_REFUSAL = gettext_lazy(
    "Une collectivité où vous travaillez exige la double authentification : ajoutez un autre "
    "second moyen avant de retirer celui-ci."
)

# Where a person still lacking a second factor may go on the collectivité's host.
SETUP_PATHS = ("/double-authentification/",)


def roles_covered(tenant: Tenant) -> frozenset[str]:
    return ROLES_COVERED.get(MfaPolicy(tenant.mfa_required_for), frozenset())


def policy_covers(tenant: Tenant, membership: Membership | None) -> bool:
    """The policy asks this membership for a second factor."""
    if membership is None or is_support_reader(membership):
        return False
    if membership.tenant_id != tenant.pk:
        return False
    return membership.role in roles_covered(tenant)


def has_second_factor(user_id: int) -> bool:
    return Authenticator.objects.filter(user_id=user_id, type__in=SECOND_FACTORS).exists()


def users_with_second_factor(user_ids: list[int]) -> set[int]:
    """Of these people, those who have a second factor (one query)."""
    return set(
        Authenticator.objects.filter(user_id__in=user_ids, type__in=SECOND_FACTORS)
        .values_list("user_id", flat=True)
        .distinct()
    )


def lacks_required_factor(tenant: Tenant, membership: Membership | None) -> bool:
    """The policy covers this person and they have no second factor yet (a query only then)."""
    return policy_covers(tenant, membership) and not has_second_factor(
        membership.user_id  # type: ignore[union-attr]  # policy_covers checked it
    )


def tenants_requiring(user_id: int) -> list[Tenant]:
    """The collectivités whose policy covers this person: they may not remove their last
    second factor while one does."""
    return [
        membership.tenant
        for membership in Membership.objects.filter(user_id=user_id).select_related("tenant")
        if membership.role in roles_covered(membership.tenant)
    ]


def policy_refusal(tenant: Tenant) -> str:
    return _(
        "%(tenant)s demande une double authentification à son équipe : activez une application "
        "d'authentification ou une clé de sécurité pour continuer."
    ) % {"tenant": tenant.name}


def may_remove(authenticator: Authenticator) -> bool:
    """A person keeps one second factor while a collectivité's policy covers them."""
    if authenticator.type not in SECOND_FACTORS:
        return True
    others = Authenticator.objects.filter(
        user_id=authenticator.user_id, type__in=SECOND_FACTORS
    ).exclude(pk=authenticator.pk)
    return others.exists() or not tenants_requiring(authenticator.user_id)
