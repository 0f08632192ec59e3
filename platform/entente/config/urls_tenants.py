"""URLs of a tenant's host `<slug>.<ENTENTE_DOMAIN>`."""

from django.urls import include, path

from entente.accounts import views as account_views
from entente.accounts.language import set_language
from entente.core import views as core_views
from entente.spaces import views as space_views
from entente.sso import views as sso_views

urlpatterns = [
    path("", space_views.tenant_home, name="tenant_home"),
    path("healthz", core_views.healthz, name="tenant_healthz"),
    path("accessibilite/", core_views.accessibility, name="tenant_accessibility"),
    path("aide/", include("entente.core.help_urls")),  # help, for everyone
    path("readyz", core_views.readyz, name="tenant_readyz"),
    # Before allauth's own: the same address, with the collectivités' two-factor rule.
    path(
        "comptes/2fa/webauthn/keys/<int:pk>/remove/",
        account_views.remove_security_key,
        name="remove_security_key",
    ),
    # Before allauth's: our SAML metadata answers before a directory is set (entente.sso).
    path(
        "comptes/saml/<str:organization_slug>/metadata/",
        sso_views.service_provider_metadata,
        name="saml_service_provider_metadata",
    ),
    path("comptes/", include("allauth.urls")),
    path("double-authentification/", account_views.mfa_required, name="mfa_required"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("api.urls")),
    path("federation/", include("entente.federation.urls")),
    path("", include("entente.tasks.urls")),
    path("administration/", include("entente.console.tenant_urls")),
    path("espaces/", include("entente.spaces.urls")),
    path("", include("entente.checklists.urls")),
    path("", include("entente.discussions.urls")),
    path("", include("entente.mailin.urls")),
    path("", include("entente.signup.urls_tenant")),
    path("", include("entente.citizens.urls")),
    path("", include("entente.mywork.urls")),
    path("", include("entente.notifications.urls")),
    path("", include("entente.documents.urls")),
    path("", include("entente.meetings.urls")),
    path("", include("entente.search.urls")),
    path("", include("entente.analytics.urls")),
    path("", include("entente.team.urls")),
    path("", include("entente.sso.urls")),
    path("", include("entente.scim.urls")),
    path("", include("entente.tour.urls")),
]

# Refused and missing pages that say why and where to go (entente.core.views).
handler403 = "entente.core.views.permission_denied"
handler404 = "entente.core.views.page_not_found"
