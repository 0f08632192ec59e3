"""Inbound addresses (public schema): which tenant, space or person a token stands for.

The receiver sees only an address; it must find the tenant before it can enter its schema,
so the token → (tenant, space or person) map is shared. Space ids point into the tenant's
schema (no cross-schema foreign key); they are checked when a message arrives.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """120 random bits in lower-case hex: unguessable, and safe in any mail system's local part."""
    return secrets.token_hex(15)


class InboundAddress(models.Model):
    """`taches+<token>@<ENTENTE_MAIL_DOMAIN>`: a space's address, or a person's in one tenant."""

    token = models.CharField(max_length=40, unique=True, default=new_token)
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    space_id = models.BigIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # For a person's address: the space their tasks go to (chosen on "Mes adresses").
    default_space_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adresse de réception")
        verbose_name_plural = _("adresses de réception")
        constraints = [
            models.CheckConstraint(
                condition=Q(space_id__isnull=False, user__isnull=True)
                | Q(space_id__isnull=True, user__isnull=False),
                name="inbound_address_space_or_person",
            ),
            models.UniqueConstraint(
                fields=["tenant", "space_id"],
                condition=Q(space_id__isnull=False),
                name="inbound_address_one_per_space",
            ),
            models.UniqueConstraint(
                fields=["tenant", "user"],
                condition=Q(user__isnull=False),
                name="inbound_address_one_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def email(self) -> str:
        return f"{settings.ENTENTE_MAIL_LOCAL_PART}+{self.token}@{settings.ENTENTE_MAIL_DOMAIN}"


class InboundMessage(models.Model):
    """A message already turned into a task: a relay's retry must not make a second one."""

    address = models.ForeignKey(InboundAddress, on_delete=models.CASCADE, related_name="messages")
    message_id = models.CharField(max_length=998)
    task_id = models.BigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message reçu")
        verbose_name_plural = _("messages reçus")
        constraints = [
            models.UniqueConstraint(fields=["address", "message_id"], name="inbound_message_once"),
        ]

    def __str__(self) -> str:
        return self.message_id
