"""Rebuild the search index from the database: `manage.py search_reindex [--tenant SLUG]`.

Tenant by tenant, kind by kind, in batches of ids, with a progress bar per kind. Each batch
records how far it went (`ReindexCheckpoint`): a run that was stopped resumes where it was with
`--resume`; a plain run starts over. Writes are upserts, so running it twice changes nothing.
With OpenSearch, `--new-index` fills a new index and then swaps the alias (no downtime).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from entente.search import services
from entente.search.backends import get_backend
from entente.search.backends.opensearch import OpenSearchBackend
from entente.search.registry import SearchKind, search_kind, search_kinds
from tenants.models import Tenant, TenantState

BAR = 30
SKIPPED_STATES = (TenantState.PROVISIONING, TenantState.FAILED)


class Command(BaseCommand):
    help = "Reconstruit l’index de recherche (toutes les collectivités, ou une seule)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug d’une collectivité (par défaut : toutes)")
        parser.add_argument("--kind", action="append", help="un type (plusieurs possibles)")
        parser.add_argument(
            "--resume", action="store_true", help="reprendre là où un passage arrêté s’est arrêté"
        )
        parser.add_argument(
            "--new-index",
            action="store_true",
            help="OpenSearch : remplir un nouvel index, puis y basculer l’alias (sans coupure)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = self._tenants(options.get("tenant"))
        kinds = self._kinds(options.get("kind") or [])
        resume = bool(options.get("resume"))
        count = tenants.count()
        started = time.monotonic()
        written = 0
        backend, target = self._target(bool(options.get("new_index")), options.get("tenant"))
        for number, tenant in enumerate(tenants.iterator(), start=1):
            self.stdout.write(f"[{number}/{count}] {tenant.name} ({tenant.slug})")
            written += services.reindex_tenant(
                tenant, kinds=kinds, resume=resume, progress=self._progress, backend=target
            )
        if backend is not None and target is not None:
            backend.swap_alias(target.alias)
            self.stdout.write(f"L’alias {backend.alias} désigne désormais {target.alias}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} entrées indexées dans {count} collectivité(s) en "
                f"{time.monotonic() - started:.1f} s."
            )
        )

    def _target(
        self, new_index: bool, slug: str | None
    ) -> tuple[OpenSearchBackend | None, OpenSearchBackend | None]:
        """With --new-index: the OpenSearch backend and one writing to a fresh index."""
        if not new_index:
            return None, None
        backend = get_backend()
        if not isinstance(backend, OpenSearchBackend):
            raise CommandError("--new-index ne sert qu’avec OpenSearch (OPENSEARCH_URL).")
        if slug:
            raise CommandError("--new-index reconstruit toutes les collectivités : sans --tenant.")
        return backend, backend.for_index(backend.create_index())

    def _tenants(self, slug: str | None) -> QuerySet[Tenant]:
        tenants = Tenant.objects.exclude(schema_name="public").exclude(state__in=SKIPPED_STATES)
        if slug:
            tenants = tenants.filter(slug=slug)
            if not tenants.exists():
                raise CommandError(f"Aucune collectivité « {slug} ».")
        return tenants.order_by("pk")

    def _kinds(self, names: list[str]) -> list[SearchKind]:
        if not names:
            return search_kinds()
        kinds = []
        for name in names:
            kind = search_kind(name)
            if kind is None:
                known = ", ".join(k.kind for k in search_kinds())
                raise CommandError(f"Type inconnu « {name} » (connus : {known}).")
            kinds.append(kind)
        return kinds

    def _progress(self, tenant: Tenant, kind: SearchKind, done: int, total: int) -> None:
        filled = BAR if not total else BAR * done // total
        bar = "#" * filled + "-" * (BAR - filled)
        ending = "\n" if done >= total else "\r"
        self.stdout.write(f"  {kind.label!s:<22} [{bar}] {done}/{total}", ending=ending)
        self.stdout.flush()
