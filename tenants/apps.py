from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Collectivités")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from entente.core import health, metrics

        from . import signals  # noqa: F401
        from .metrics import TenantStateCollector
        from .template import connect_signals, readiness_check

        connect_signals()
        health.register_check("template_schema", readiness_check)
        metrics.register_scrape_collector(TenantStateCollector)
