"""URLs of the bare domain: landing, sign-up, the vendor console, admin, health."""

from django.contrib import admin
from django.urls import include, path

from entente.accounts import views as account_views
from entente.accounts.language import set_language
from entente.core import views as core_views
from entente.mailin import views as mailin_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibilite/", core_views.accessibility, name="accessibility"),
    path("aide/", include("entente.core.help_urls")),  # help, for everyone
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    # Before allauth's own: the same address, with the collectivités' two-factor rule.
    path(
        "comptes/2fa/webauthn/keys/<int:pk>/remove/",
        account_views.remove_security_key,
        name="remove_security_key",
    ),
    path("comptes/", include("allauth.urls")),
    path("mes-collectivites/", account_views.choose_tenant, name="choose_tenant"),
    path("mon-compte/jetons/", account_views.api_tokens, name="api_tokens"),
    path(
        "mon-compte/jetons/<int:token_id>/revoquer/",
        account_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("inscription/", include("entente.signup.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("mail/inbound", mailin_views.inbound_webhook, name="mail_inbound"),
    path("console/", include("entente.console.urls")),
    path("", include("entente.mywork.urls")),  # « Mon travail » for any logged-in person
    path("", include("entente.notifications.urls")),  # the inbox across all tenants
    path("", include("entente.privacy.urls")),  # « Mes données »: export, erasure (RGPD)
    path("admin/", admin.site.urls),
]

# Refused and missing pages that say why and where to go (entente.core.views).
handler403 = "entente.core.views.permission_denied"
handler404 = "entente.core.views.page_not_found"
