"""The tenant (a collectivité: commune or EPCI), its domains and the federation links between them.

All of these live in the public schema. Each tenant's own data lives in its schema.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

# Slugs that can never name a tenant: they are, or may become, the platform's own hosts.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "assets", "auth", "blog", "cdn", "console", "contact", "demo",
        "dev", "docs", "entente", "ftp", "help", "imap", "login", "mail", "media", "metrics",
        "mx", "ns", "pop", "public", "smtp", "staging", "static", "status", "support", "test",
        "www", "ws", "wss", "aide", "inscription", "connexion", "compte",
    }
)  # fmt: skip


class TenantKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité (EPCI)")


class TenantState(models.TextChoices):
    PROVISIONING = "provisioning", _("En cours de création")
    FAILED = "failed", _("Création échouée")
    TRIAL = "trial", _("Essai")
    ACTIVE = "active", _("Active")
    READ_ONLY = "read_only", _("Lecture seule")
    SUSPENDED = "suspended", _("Suspendue")
    CLOSING = "closing", _("En cours de fermeture")


class TenantPlan(models.TextChoices):
    TRIAL = "trial", _("Essai gratuit")
    STANDARD = "standard", _("Standard")
    FEDERATION = "federation", _("Intercommunal")


class MfaPolicy(models.TextChoices):
    """Who must have a second factor (an authenticator app or a security key) to work here."""

    NOBODY = "nobody", _("Personne (chacun choisit)")
    ADMINS = "admins", _("Les administrateurs")
    STAFF = "staff", _("Toute l'équipe (administrateurs, agents et élus)")


# States in which people may open the tenant's pages. A closing tenant stays open, read-only,
# until its closing date, so that its people can read and export everything (tenants.lifecycle).
OPEN_STATES = frozenset(
    {TenantState.TRIAL, TenantState.ACTIVE, TenantState.READ_ONLY, TenantState.CLOSING}
)


class Tenant(TenantMixin):
    """A collectivité with its own PostgreSQL schema."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=63, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=TenantKind.choices)
    official_code = models.CharField(
        _("code officiel"),
        max_length=16,
        help_text=_("Code INSEE pour une commune, SIREN pour un EPCI (France)."),
    )
    country = models.CharField(_("pays"), max_length=2, default="FR")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True)
    state = models.CharField(
        _("état"), max_length=16, choices=TenantState.choices, default=TenantState.PROVISIONING
    )
    plan = models.CharField(
        _("offre"), max_length=16, choices=TenantPlan.choices, default=TenantPlan.TRIAL
    )
    trial_ends_at = models.DateTimeField(_("fin de l'essai"), null=True, blank=True)
    # Set when vendor staff start closing the tenant (tenants.lifecycle.start_closing).
    closing_on = models.DateField(_("date de fermeture"), null=True, blank=True)
    failure_reason = models.TextField(_("raison de l'échec"), blank=True)
    # Read on every request by the membership check (entente.accounts.mfa): a column here costs
    # no query, where a row in the tenant's schema would cost one.
    mfa_required_for = models.CharField(
        _("double authentification exigée de"),
        max_length=8,
        choices=MfaPolicy.choices,
        default=MfaPolicy.NOBODY,
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Schemas are made by tenants.provisioning (template replay), never by save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "official_code"], name="tenant_unique_official_code"
            ),
        ]
        indexes = [
            # django-tenants checks `schema_name__iexact` before inserting a tenant: without
            # this index that check reads the whole table (36,224 rows at full size).
            models.Index(Upper("schema_name"), name="tenant_schema_name_upper"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_writable(self) -> bool:
        return self.state in {TenantState.TRIAL, TenantState.ACTIVE}

    @property
    def primary_host(self) -> str:
        return f"{self.slug}.{settings.ENTENTE_DOMAIN}"

    def url(self, path: str = "/") -> str:
        from entente.core.links import absolute_url

        return absolute_url(self.primary_host, path)


class Domain(DomainMixin):
    """A host name that reaches a tenant: `<slug>.<ENTENTE_DOMAIN>`, or a custom one."""

    class Meta:
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")

    def __str__(self) -> str:
        return self.domain


class FederationState(models.TextChoices):
    INVITED = "invited", _("Invitation envoyée")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refusée")
    ENDED = "ended", _("Terminée")


class FederationLink(models.Model):
    """Consent between an EPCI and one of its member communes to share thematic spaces.

    The EPCI invites, the commune's admin accepts or refuses, either side can end it. A link
    that was refused or ended may be invited again: that reuses this row, whose history keeps
    every transition.
    """

    epci = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="member_links", verbose_name=_("EPCI")
    )
    commune = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="epci_links", verbose_name=_("commune")
    )
    state = models.CharField(
        _("état"), max_length=16, choices=FederationState.choices, default=FederationState.INVITED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lien de fédération")
        verbose_name_plural = _("liens de fédération")
        constraints = [
            models.UniqueConstraint(fields=["epci", "commune"], name="federation_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.epci} ↔ {self.commune} ({self.get_state_display()})"


class FederationEvent(models.Model):
    """One transition of a federation link: who did what, when, and why."""

    link = models.ForeignKey(FederationLink, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=FederationState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=FederationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acting_tenant = models.ForeignKey(
        Tenant, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.link}: {self.from_state or '∅'} → {self.to_state}"


class TenantEvent(models.Model):
    """One step of a tenant's life (tenants.lifecycle): who did it, when, and why.

    Append-only. `action` names what was done (a trial extended keeps its state, so the pair of
    states alone would not say it); `data` keeps the details (new trial end, plan, closing date).
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("état avant"), max_length=16, choices=TenantState.choices)
    to_state = models.CharField(_("état après"), max_length=16, choices=TenantState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    reason = models.TextField(_("raison"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement de la collectivité")
        verbose_name_plural = _("événements des collectivités")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.from_state} → {self.to_state} ({self.action})"


class TemplateCapture(models.Model):
    """The template schema's SQL, captured once per migration state (see tenants/template.py).

    `fingerprint` names the migration graph the capture was taken at; `sql` is the template's
    SQL, written from its catalog rows, with its schema name replaced by a placeholder, ready to
    replay into a new schema; `pg_dump_version` says what wrote it (the server's version).

    Unmanaged (its table is made by RunSQL in migration 0002) so that a test flush, which
    empties every managed table, leaves it alone: it describes the database's structure, it is
    not application data.
    """

    fingerprint = models.CharField(_("empreinte des migrations"), max_length=64, unique=True)
    sql = models.TextField(_("SQL du modèle"))
    migration_count = models.PositiveIntegerField(_("migrations enregistrées"))
    table_count = models.PositiveIntegerField(_("tables"))
    pg_dump_version = models.CharField(_("version de pg_dump"), max_length=100)
    captured_at = models.DateTimeField(_("capturé le"))

    class Meta:
        managed = False
        db_table = "tenants_templatecapture"
        verbose_name = _("capture du schéma modèle")
        verbose_name_plural = _("captures du schéma modèle")

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} ({self.captured_at:%Y-%m-%d %H:%M})"


class SchemaStatus(models.TextChoices):
    OK = "ok", _("À jour")
    FAILED = "failed", _("En échec")
    PENDING = "pending", _("En attente")


class SchemaMigrationState(models.Model):
    """The migration state of one tenant schema (or the template), kept by the deploy command.

    Why: asking Django for the state of each schema costs several scans of the whole catalog
    per schema (408 ms per schema at 1,000 schemas). This row says it in the public schema:
    `fingerprint` is `tenants.template.migration_fingerprint()` of the migration set applied
    there, so one query finds every schema that is not current (tenants/deploy.py). Written by
    provisioning (a replay of the template's capture records the capture's state), by
    `manage.py migrate_tenants` as each schema finishes, and deleted with the schema. A missing
    row only means "unknown": the deploy then reads that schema's own `django_migrations`.
    """

    schema_name = models.CharField(_("schéma"), max_length=63, primary_key=True)
    fingerprint = models.CharField(_("empreinte des migrations"), max_length=64)
    status = models.CharField(_("état"), max_length=8, choices=SchemaStatus.choices)
    migration_count = models.PositiveIntegerField(_("migrations enregistrées"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    migrated_at = models.DateTimeField(_("migré le"))
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), null=True, blank=True)

    class Meta:
        db_table = "tenants_schemamigrationstate"
        verbose_name = _("état des migrations d'un schéma")
        verbose_name_plural = _("états des migrations des schémas")

    def __str__(self) -> str:
        return f"{self.schema_name}: {self.status} ({self.fingerprint[:12]})"


class SpareSchema(models.Model):
    """A schema replayed from the template ahead of time, waiting to become a tenant's
    (tenants/spares.py). Not a tenant: its name (`spare_<hex>`) cannot be a tenant's schema."""

    name = models.CharField(_("schéma"), max_length=63, unique=True)
    fingerprint = models.CharField(_("empreinte des migrations"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("préparé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("schéma d'avance")
        verbose_name_plural = _("schémas d'avance")

    def __str__(self) -> str:
        return self.name
