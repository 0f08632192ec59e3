"""`manage.py seed_demo`: provision the demo (idempotent), then print its URLs and logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from entente.accounts.models import Membership, Role
from entente.core.links import platform_url
from entente.demo.services import demo_overview, seed_demo
from entente.meetings.elected_link import link_for


class Command(BaseCommand):
    help = _(
        "Crée (ou complète) la démo : la CC Sud Retz Atlantique, ses 8 communes fédérées, "
        "leurs agents, élus et espaces. Sans effet sur ce qui existe déjà."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        summary = seed_demo()
        self.stdout.write(
            _(
                "Démo prête en %(seconds).1f s : %(tenants)d collectivités, %(links)d liens de "
                "fédération, %(people)d personnes, %(memberships)d appartenances, %(spaces)d "
                "espaces (%(created)d éléments créés par cette exécution)."
            )
            % {"seconds": time.monotonic() - started, **vars(summary)}
        )
        overview = demo_overview(everyone=True)
        self.stdout.write("")
        platform = _("Plateforme")  # outside the f-string, where makemessages finds it
        self.stdout.write(f"  {platform:<31} {platform_url()}")
        for tenant in overview.tenants:
            self.stdout.write(f"  {tenant.name:<31} {tenant.url()}")
        self.stdout.write("")
        self.stdout.write(
            _("Connexions (même mot de passe pour tous : %(password)s)")
            % {"password": overview.password}
        )
        for login in overview.logins:
            self.stdout.write(f"  {login.email:<44} {login.description}")
        # The élus' link of their e-mails (« Mes séances » without a password, that page only).
        elected = (
            Membership.objects.filter(
                role=Role.ELECTED,
                user__email__in=[login.email for login in overview.logins],
                tenant__in=overview.tenants,
            )
            .select_related("user", "tenant")
            .order_by("tenant__name", "user__email")
        )
        links = [(m.user.email, link_for(m.user, m.tenant)) for m in elected]
        if links:
            self.stdout.write("")
            self.stdout.write(_("Lien « Mes séances » des élus (comme dans leurs e-mails) :"))
            for email, link in links:
                self.stdout.write(f"  {email:<44} {link}")
