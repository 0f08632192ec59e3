from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "entente.search"
    label = "search"
    verbose_name = _("Recherche")

    def ready(self) -> None:
        from entente.core.events import subscribe

        from .subscribers import on_event

        subscribe(on_event)

        from tenants.signals import tenant_restored

        from .subscribers import reindex_restored

        tenant_restored.connect(reindex_restored, dispatch_uid="search-reindex-restored")

        from . import navigation

        navigation.register()  # offered by the "page not found" page (entente.core.navigation)

        from . import discovery

        discovery.register()  # its usage names and features (entente.core.discovery)
