"""`manage.py export_tenant <slug> <archive>`: one tenant's data and files (tenants/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backup import export_tenant
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Exporte les données et les fichiers d'une collectivité dans une archive .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Identifiant de la collectivité.")
        parser.add_argument("archive", help="Chemin de l'archive à écrire (.tar.gz).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = export_tenant(options["slug"], Path(options["archive"]))
        except Tenant.DoesNotExist as error:
            raise CommandError(f"Aucune collectivité « {options['slug']} ».") from error
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{manifest['tenant']['name']} exportée dans {options['archive']} : "
                f"{len(manifest['tables'])} tables, {rows} lignes."
            )
        )
