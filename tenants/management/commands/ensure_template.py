"""`manage.py ensure_template`: bring the template schema up to date, or check that it is.

Migrations refresh it on their own (see tenants/template.py); this command is for a deploy
that ran only the tenant migrations, for an operator who wants it rebuilt, and for CI checks.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.template import (
    TemplateError,
    ensure_template,
    foreign_keys_out_of_template,
    template_schema,
    template_status,
)


class Command(BaseCommand):
    help = (
        "Met à jour le schéma modèle des collectivités (migrations et capture SQL), "
        "ou vérifie qu'il l'est (--check)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Ne change rien ; sort en erreur si le modèle n'est pas à jour.",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Reconstruit le modèle depuis les migrations même s'il est à jour.",
        )
        parser.add_argument(
            "--recapture",
            action="store_true",
            help="Refait la capture SQL (depuis le catalogue du schéma) même si elle existe.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schema = template_schema()
        if options["check"]:
            status = template_status()
            if not status.current:
                raise CommandError(
                    f"Le schéma modèle « {schema} » n'est pas à jour ({status.describe()}) : "
                    "lancez « manage.py ensure_template »."
                )
            self.stdout.write(self.style.SUCCESS(f"Le schéma modèle « {schema} » est à jour."))
            return
        try:
            capture = ensure_template(rebuild=options["rebuild"], recapture=options["recapture"])
        except TemplateError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Schéma modèle « {schema} » à jour : {capture.table_count} tables, "
                f"{capture.migration_count} migrations, "
                f"capturé le {capture.captured_at:%d/%m/%Y %H:%M}."
            )
        )
        for table, constraint, target in foreign_keys_out_of_template():
            self.stdout.write(
                self.style.WARNING(
                    f"Attention : {table}.{constraint} référence {target}. Chaque collectivité "
                    "ajoute des déclencheurs à cette table : la création d'une collectivité "
                    "ralentit à mesure qu'elles sont nombreuses. Utilisez "
                    "ForeignKey(db_constraint=False) vers les tables du schéma public."
                )
            )
