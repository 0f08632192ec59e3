"""`manage.py erase_person <e-mail> --staff <e-mail>`: Entente's support erases an account on
the person's request (entente.privacy.services.erase_person; docs/rgpd.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from entente.accounts.models import User
from entente.privacy.services import erase_person


class Command(BaseCommand):
    help = "Efface le compte d'une personne à sa demande (pseudonymisation, suppression)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="Adresse e-mail du compte à effacer.")
        parser.add_argument("--staff", required=True, help="Adresse de l'agent du support.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(email__iexact=options["email"]).first()
        staff = User.objects.filter(email__iexact=options["staff"], is_staff=True).first()
        if person is None or staff is None:
            raise CommandError("Personne ou agent du support introuvable.")
        record = erase_person(person, requested_by=staff)
        self.stdout.write(
            self.style.SUCCESS(
                f"Compte {record.user_id} effacé : {record.tenants} collectivité(s), "
                f"{record.rows_scrubbed} ligne(s) pseudonymisée(s)."
            )
        )
