"""`manage.py restore_tenant <archive> [--as <slug>]`: restore and verify (tenants/backup.py).

Given a `.zip` (the export a tenant's admins download, tenants/export.py), it re-imports it
into a new tenant, `--as <slug>` required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import export
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
        if options["archive"].endswith(".zip"):
            self._import_zip(Path(options["archive"]), options["as_slug"])
            return
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

    def _import_zip(self, archive: Path, slug: str | None) -> None:
        if not slug:
            raise CommandError("Un export ZIP va dans une nouvelle collectivité : indiquez --as.")
        try:
            report = export.restore_archive(archive, slug=slug, name=slug)
        except export.ExportImportError as error:
            raise CommandError(str(error)) from error
        for name, count in report.rows.items():
            self.stdout.write(f"{name:<40} {count:>8}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.tenant.slug} : {sum(report.rows.values())} ligne(s), "
                f"{report.files} fichier(s), {report.people_created} personne(s) créée(s)."
            )
        )
