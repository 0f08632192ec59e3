"""`manage.py migrate_tenants`: the deploy's migrations, at any number of tenants.

Public schema first (`--shared`, django-tenants' own `migrate_schemas --shared`, which also
refreshes the template), then the template, then every tenant schema that is not current, in
parallel (tenants/deploy.py). Exits non-zero when a schema failed; the others are done.
"""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.deploy import deploy


class Command(BaseCommand):
    help = (
        "Migre le schéma modèle puis chaque schéma de collectivité qui n'est pas à jour, "
        "en parallèle, en reprenant là où une exécution précédente s'est arrêtée."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--shared",
            action="store_true",
            help="Migre d'abord le schéma public (migrate_schemas --shared).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processus en parallèle (ENTENTE_DEPLOY_WORKERS par défaut).",
        )
        parser.add_argument(
            "--lock-timeout",
            default=None,
            help="Attente maximale d'un verrou, par ex. 5s (ENTENTE_DEPLOY_LOCK_TIMEOUT).",
        )
        parser.add_argument(
            "--statement-timeout",
            default=None,
            help="Durée maximale d'une instruction (ENTENTE_DEPLOY_STATEMENT_TIMEOUT).",
        )
        parser.add_argument(
            "--schema",
            action="append",
            dest="schemas",
            help="Limite la migration à ce schéma (répétable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["shared"]:
            self.stdout.write("Schéma public…")
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        report = deploy(
            workers=options["workers"],
            lock_timeout=options["lock_timeout"],
            statement_timeout=options["statement_timeout"],
            schemas=options["schemas"],
            out=cast("IO[str]", self.stdout._out),  # raw: the progress bar writes "\r"
        )
        self.stdout.write(
            f"Schéma modèle à jour en {report.template_seconds:.1f} s. "
            f"{report.total_schemas} schéma(s) de collectivité, {report.to_migrate} à migrer, "
            f"{report.succeeded} migré(s), {report.applied} migration(s) appliquée(s), "
            f"en {report.seconds:.1f} s."
        )
        if report.failed:
            for failure in report.failed:
                self.stderr.write(f"ÉCHEC {failure.schema_name} : {failure.error}")
            raise CommandError(
                f"{len(report.failed)} schéma(s) en échec (voir ci-dessus) ; les autres sont à "
                "jour. Corrigez puis relancez : seuls les schémas restants seront migrés."
            )
