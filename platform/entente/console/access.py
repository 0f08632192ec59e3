"""Who may use the console: vendor staff (`User.is_staff`) whose session was opened with MFA.

Everyone else gets a 404, as if the console did not exist. A staff member without a TOTP
authenticator is sent to set one up; one whose session was opened without the code (logged in
before activating it, for instance) is asked for the code again (allauth's reauthentication,
which records an "mfa" step in the session).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


class Access(enum.Enum):
    GRANTED = "granted"
    DENIED = "denied"  # not staff: 404
    NEEDS_TOTP = "needs_totp"  # staff without an authenticator: set one up
    NEEDS_MFA_LOGIN = "needs_mfa_login"  # staff whose session did not use it: give the code


def session_used_mfa(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def console_access(request: HttpRequest) -> Access:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return Access.DENIED
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return Access.NEEDS_TOTP
    if not session_used_mfa(request):
        return Access.NEEDS_MFA_LOGIN
    return Access.GRANTED


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Console views: only on the bare domain, only for staff with MFA, 404 for anyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "tenant", None) is not None:
            raise Http404
        access = console_access(request)
        if access is Access.DENIED:
            raise Http404
        if access is Access.NEEDS_TOTP:
            messages.info(
                request,
                _(
                    "La console exige la double authentification : activez une application "
                    "d'authentification, puis déconnectez-vous et reconnectez-vous avec votre code."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if access is Access.NEEDS_MFA_LOGIN:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
