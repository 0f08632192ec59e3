"""Faces of e-mail → task: the webhook (bare domain) and "Mes adresses de réception" (tenant).

The webhook lets a mail provider that receives our domain's mail post each raw message:
`POST /mail/inbound`, the message as the body, `X-Entente-Webhook-Secret: <secret>` and
`X-Entente-Envelope-To: <recipient>`. Without a configured secret the route does not exist.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from entente.accounts.models import Membership, User
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.permissions import space_abilities
from entente.spaces.selectors import spaces_for

from . import services
from .permissions import may_use_inbound_mail

WEBHOOK_STATUS = {552: 413, 554: 400}


def editable_spaces(membership: Membership) -> list[Space]:
    """Where the person may create tasks: the spaces an address of theirs may lead to."""
    roles = dict(
        SpaceMembership.objects.filter(user_id=membership.user_id).values_list("space_id", "role")
    )
    return [
        space
        for space in spaces_for(membership)
        if space_abilities(membership, space, roles.get(space.pk)).edit
    ]


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest) -> HttpResponse:
    secret = settings.ENTENTE_INBOUND_WEBHOOK_SECRET
    if not secret:
        raise Http404
    given = request.headers.get("X-Entente-Webhook-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": _("Secret du webhook absent ou erroné.")}, status=401)
    envelope_to = request.headers.get("X-Entente-Envelope-To", "").strip()
    if not envelope_to:
        return JsonResponse(
            {"detail": _("En-tête X-Entente-Envelope-To manquant : indiquez le destinataire.")},
            status=400,
        )
    try:
        receipt = services.receive_message(request.body, envelope_to=envelope_to)
    except services.MailRejected as rejection:
        return JsonResponse(
            {"detail": rejection.message, "smtp": rejection.smtp_reply},
            status=WEBHOOK_STATUS.get(rejection.code, 422),
        )
    return JsonResponse(
        {"task": receipt.task_id, "url": receipt.url, "duplicate": receipt.duplicate},
        status=200 if receipt.duplicate else 201,
    )


@require_http_methods(["GET", "POST"])
def my_addresses(request: HttpRequest) -> HttpResponse:
    """The person's own address, where its tasks land, and the addresses of their spaces."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits members only
        raise Http404
    if not may_use_inbound_mail(membership):
        raise PermissionDenied(
            _(
                "Créer des tâches par e-mail est réservé aux agents, aux élus et aux "
                "administrateurs de la collectivité."
            )
        )
    user: User = request.user  # type: ignore[assignment]
    tenant = request.tenant  # type: ignore[attr-defined]
    spaces = editable_spaces(membership)
    personal = services.address_of_person(tenant, user)
    if request.method == "POST":
        if request.POST.get("action") == "renew":
            services.renew_token(membership, personal)
            messages.success(request, _("Nouvelle adresse créée : l'ancienne ne fonctionne plus."))
            return redirect("mailin:addresses")
        chosen = request.POST.get("default_space", "")
        space = next((s for s in spaces if str(s.pk) == chosen), None)
        if chosen and space is None:
            messages.error(request, _("Choisissez un espace où vous êtes éditeur."))
        else:
            services.set_default_space(membership, space)
            messages.success(request, _("Espace par défaut enregistré."))
        return redirect("mailin:addresses")
    default: Space | None = next((s for s in spaces if s.pk == personal.default_space_id), None)
    target = services.personal_target(personal, membership)
    return render(
        request,
        "mailin/addresses.html",
        {
            "personal": personal,
            "default_space": default,
            "target": target,
            "spaces": [(space, services.address_of_space(tenant, space)) for space in spaces],
        },
    )
