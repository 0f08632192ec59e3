"""`manage.py restore_tenant <archive> [--as <slug>]`: restore and verify (tenants/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.backup import BackupError, describe_checks, restore_tenant


class Command(BaseCommand):
    help = (
        "Restaure l'archive d'une collectivité dans la même collectivité (ses données sont "
        "remplacées) ou dans une nouvelle (--as), puis vérifie chaque table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="Archive écrite par export_tenant.")
        parser.add_argument(
            "--as",
            dest="as_slug",
            default=None,
            help="Identifiant de la collectivité où restaurer (créée si elle n'existe pas).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_tenant(Path(options["archive"]), as_slug=options["as_slug"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(describe_checks(report))
        if not report.equal:
            raise CommandError("La restauration diffère de l'archive (voir ci-dessus).")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.tenant.name} ({report.tenant.slug}) restaurée : "
                f"{len(report.checks)} tables identiques, {report.files} fichier(s)"
                + (", schéma migré ensuite" if report.migrated else "")
                + "."
            )
        )
