"""Self-registration for a free trial, and requests to join a collectivité already on Entente.

Both live in the public schema: they exist before (or beside) any tenant. A sign-up holds the
slug it proposed while it waits for its confirmation, so that two people never get the same
address; a sign-up nobody confirms expires and frees its slug.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant, TenantKind


class SignupState(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    PROVISIONING = "provisioning", _("Création en cours")
    READY = "ready", _("Prête")
    FAILED = "failed", _("Création échouée")
    EXPIRED = "expired", _("Expirée")
    DIVERTED = "diverted", _("Collectivité déjà inscrite")


# States in which a sign-up holds its slug.
HOLDING_STATES = (SignupState.PENDING, SignupState.PROVISIONING)


class Signup(models.Model):
    """One person's request for a trial of Entente for one collectivité."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=16, choices=TenantKind.choices)
    official_code = models.CharField(_("code officiel"), max_length=16)
    collectivity_name = models.CharField(_("collectivité"), max_length=200)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    slug = models.SlugField(_("identifiant proposé"), max_length=63)
    full_name = models.CharField(_("nom complet"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    function = models.CharField(_("fonction"), max_length=150)
    state = models.CharField(
        _("état"), max_length=16, choices=SignupState.choices, default=SignupState.PENDING
    )
    failure_reason = models.TextField(_("raison de l'échec"), blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    ready_at = models.DateTimeField(_("prête le"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne"),
    )
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collectivité créée"),
    )

    class Meta:
        verbose_name = _("inscription à l'essai")
        verbose_name_plural = _("inscriptions à l'essai")
        ordering = ["-created_at"]
        constraints = [
            # A slug is held by one waiting sign-up at most (tenants hold theirs by Tenant.slug).
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(state__in=HOLDING_STATES),
                name="signup_slug_held_once",
            ),
            # One collectivité is being created by one sign-up at a time.
            models.UniqueConstraint(
                fields=["kind", "official_code"],
                condition=Q(state=SignupState.PROVISIONING),
                name="signup_one_provisioning_per_collectivity",
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="signup_state_expiry")]

    def __str__(self) -> str:
        return f"{self.collectivity_name} — {self.email} ({self.get_state_display()})"

    @property
    def is_expired(self) -> bool:
        return self.state == SignupState.EXPIRED or (
            self.state == SignupState.PENDING and self.expires_at <= timezone.now()
        )


class JoinState(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Adresse à confirmer")
    PENDING = "pending", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    EXPIRED = "expired", _("Expirée")


class JoinRequest(models.Model):
    """A person asks the admins of an existing tenant for access (instead of a second tenant).

    The address is confirmed first, so admins only see requests from someone who reads it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("collectivité"),
    )
    full_name = models.CharField(_("nom complet"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    function = models.CharField(_("fonction"), max_length=150)
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("état"), max_length=16, choices=JoinState.choices, default=JoinState.UNCONFIRMED
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("personne"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        ordering = ["-created_at"]
        constraints = [
            # One open request per person and collectivité: asking again is not spamming admins.
            models.UniqueConstraint(
                fields=["tenant", "email"],
                condition=Q(state="pending"),
                name="join_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="join_request_tenant_state")]

    def __str__(self) -> str:
        return f"{self.full_name} → {self.tenant} ({self.get_state_display()})"
