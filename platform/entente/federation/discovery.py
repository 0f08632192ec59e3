"""What federation declares to the discovery score and analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import (
    ActivationReason,
    EventMapping,
    Feature,
    register_activation,
    register_feature,
    register_mapping,
    register_usage,
)


def register() -> None:
    register_usage("space.federation_joined", _("Espace intercommunal rejoint"), activity=False)
    # a member added from another tenant (spaces publishes `space.member_added` with the tenant)
    register_mapping(
        EventMapping(
            "space.member_added",
            "space.federation_joined",
            actor="user_id",
            kind="space",
            requires="via_tenant_id",
        )
    )
    register_feature(
        Feature(
            "join_federation_space",
            _("Rejoindre un espace intercommunal"),
            10,
            frozenset({"space.federation_joined"}),
            "",  # the directory answers on the EPCI's host only: no link from a commune's
            _("Sur l'adresse de votre communauté de communes, ouvrez l'annuaire des espaces."),
            order=90,
        )
    )
    register_activation(
        ActivationReason(
            "federation",
            _("Un espace intercommunal rejoint"),
            frozenset({"space.federation_joined"}),
            order=70,
        )
    )
