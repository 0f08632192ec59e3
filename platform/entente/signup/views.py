"""Pages of the sign-up (bare domain) and of join requests and the welcome (tenant hosts).

The picker works without JavaScript (a GET search form listing results as links); with HTMX
the same input becomes a combobox fed by `search` (see static/entente/combobox.js).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import Membership, User
from entente.core.links import local_target
from entente.reference.selectors import Collectivity
from tenants.models import Tenant

from . import joins, selectors, services
from .forms import JoinForm, SetPasswordForm, SignupForm
from .models import JoinRequest, JoinState, Signup, SignupState

SENT_SESSION_KEY = "signup_sent_to"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
SEARCH_LIMIT = 8


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the ASGI server saw it (uvicorn applies FORWARDED_ALLOW_IPS)."""
    return request.META.get("REMOTE_ADDR") or None


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant | None = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


def _posted(request: HttpRequest) -> Any:
    """The POST data of a POST (an empty one too, so it shows its errors), None for a GET."""
    return request.POST if request.method == "POST" else None


def _refused(
    request: HttpRequest, error: services.SignupRefused, status: int = 400
) -> HttpResponse:
    return render(request, "signup/refused.html", {"error": error}, status=status)


# -- Picking the collectivité --------------------------------------------------------------------


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: find your collectivité. `?q=` lists results (the no-JavaScript path)."""
    query = request.GET.get("q", "").strip()
    choices = selectors.search_choices(query, limit=SEARCH_LIMIT) if query else []
    return render(request, "signup/start.html", {"query": query, "choices": choices})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The combobox's options (an HTML fragment for HTMX)."""
    query = request.GET.get("q", "").strip()
    choices = selectors.search_choices(query, limit=SEARCH_LIMIT) if query else []
    return render(request, "signup/_options.html", {"query": query, "choices": choices})


def _collectivity_or_404(kind: str, code: str) -> Collectivity:
    collectivity = selectors.collectivity_by_code(kind, code)
    if collectivity is None:
        raise Http404(_("Cette collectivité n'est pas dans la liste officielle."))
    return collectivity


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Step 2: who you are. If the collectivité is already here, ask its admins instead."""
    collectivity = _collectivity_or_404(kind, code)
    tenant = selectors.tenant_of_collectivity(collectivity.kind, collectivity.code)
    form: SignupForm = (JoinForm if tenant else SignupForm)(_posted(request))
    context: dict[str, Any] = {"collectivity": collectivity, "tenant": tenant, "form": form}
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            # Say nothing useful to a robot, and send nothing.
            request.session[SENT_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("signup:sent")
        data = form.cleaned_data
        try:
            if tenant is not None:
                joins.request_to_join(
                    tenant=tenant,
                    full_name=data["full_name"],
                    email=data["email"],
                    function=data["function"],
                    message=data.get("message", ""),
                    ip_address=client_ip(request),
                )
            else:
                services.start_signup(
                    collectivity=collectivity,
                    full_name=data["full_name"],
                    email=data["email"],
                    function=data["function"],
                    ip_address=client_ip(request),
                )
        except services.SignupRefused as error:
            if error.code == "already_on_entente":
                messages.info(request, error.message)
                return redirect(request.path)
            form.add_error(None, error.message)
            status = 429 if error.code == "rate_limited" else 400
            return render(request, "signup/details.html", context, status=status)
        request.session[SENT_SESSION_KEY] = data["email"]
        return redirect("signup:sent")
    return render(request, "signup/details.html", context, status=400 if form.errors else 200)


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "signup/sent.html", {"email": request.session.get(SENT_SESSION_KEY)})


# -- Confirming and following the creation -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners in mailboxes only GET."""
    if request.method == "GET":
        try:
            public_id = services.read_token(token, services.SIGNUP_SALT)
        except services.SignupRefused as error:
            return _refused(request, error)
        signup = selectors.signup_of(public_id)
        if signup is None:
            raise Http404
        if signup.is_expired or signup.state == SignupState.DIVERTED:
            try:  # refused with what to do (an expired one is recorded as such, nothing else)
                services.confirm_signup(token)
            except services.SignupRefused as error:
                return _refused(request, error)
        if signup.state != SignupState.PENDING:
            return _after_second_click(request, signup)
        return render(request, "signup/confirm.html", _confirm_context(signup))
    try:
        confirmation = services.confirm_signup(token)
    except services.SignupRefused as error:
        return _refused(request, error)
    signup = confirmation.signup
    if not confirmation.first_time:
        return _after_second_click(request, signup)
    assert signup.user is not None
    login(request, signup.user, backend=LOGIN_BACKEND)
    built = services.provision_now(signup.pk)
    if built is not None and built.state == SignupState.READY:
        return redirect(_status_context(built)["welcome_url"])  # straight in: it is there
    return redirect("signup:progress", public_id=signup.public_id)


def _after_second_click(request: HttpRequest, signup: Signup) -> HttpResponse:
    """A used link logs no one in: its owner follows the progress, anyone else logs in first."""
    progress = reverse("signup:progress", kwargs={"public_id": signup.public_id})
    if request.user.is_authenticated and request.user.pk == signup.user_id:
        return redirect(progress)
    if signup.state == SignupState.PENDING:
        return render(request, "signup/confirm.html", _confirm_context(signup))
    return render(
        request,
        "signup/already_used.html",
        {"signup": signup, "login_url": f"{reverse('account_login')}?next={progress}"},
    )


def _confirm_context(signup: Signup) -> dict[str, Any]:
    return {"signup": signup, "tenant_host": f"{signup.slug}.{settings.ENTENTE_DOMAIN}"}


def _own_signup(request: HttpRequest, public_id: str) -> Signup | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    signup = selectors.signup_of(public_id)
    if signup is None or signup.user_id != request.user.pk:
        raise Http404
    return signup


@never_cache
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest, public_id: str) -> HttpResponse:
    """The creation, live: polls `status` until the tenant is ready. POST retries a failure."""
    signup = _own_signup(request, public_id)
    if isinstance(signup, HttpResponse):
        return signup
    if request.method == "POST":
        user: User = request.user  # type: ignore[assignment]
        services.retry_signup(signup, user)
        return redirect("signup:progress", public_id=signup.public_id)
    return render(request, "signup/progress.html", _status_context(signup))


@never_cache
@require_GET
def status(request: HttpRequest, public_id: str) -> HttpResponse:
    signup = _own_signup(request, public_id)
    if isinstance(signup, HttpResponse):
        return signup
    context = _status_context(signup)
    response = render(request, "signup/_status.html", context)
    if signup.state == SignupState.READY and request.headers.get("HX-Request"):
        response["HX-Redirect"] = context["welcome_url"]
    return response


def _status_context(signup: Signup) -> dict[str, Any]:
    tenant = signup.tenant
    return {
        "signup": signup,
        "done": signup.state in (SignupState.READY, SignupState.FAILED),
        "welcome_url": tenant.url(reverse("signup:welcome", urlconf="entente.config.urls_tenants"))
        if tenant
        else "",
    }


# -- Join requests (bare domain: the requester's side) --------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        try:
            public_id = services.read_token(token, joins.JOIN_SALT)
        except services.SignupRefused as error:
            return _refused(request, error)
        join_request = (
            JoinRequest.objects.select_related("tenant").filter(public_id=public_id).first()
        )
        if join_request is None:
            raise Http404
        return render(request, "signup/join_confirm.html", {"join_request": join_request})
    try:
        join_request, first_time = joins.confirm_join_request(token)
    except services.SignupRefused as error:
        return _refused(request, error)
    if first_time:
        assert join_request.user is not None
        login(request, join_request.user, backend=LOGIN_BACKEND)
    password_form = None
    if request.user.is_authenticated and request.user.pk == join_request.user_id:
        owner: User = request.user
        if not owner.has_usable_password():
            password_form = SetPasswordForm(owner)
    return render(
        request,
        "signup/join_sent.html",
        {
            "join_request": join_request,
            "first_time": first_time,
            "password_form": password_form,
            "accepted": join_request.state == JoinState.ACCEPTED,
        },
    )


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    """A first password for a person made by a confirmation link (bare domain)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: User = request.user
    form = SetPasswordForm(user, _posted(request))
    if request.method == "POST" and form.is_valid():
        services.set_first_password(user, form.cleaned_data["password"])
        login(request, user, backend=LOGIN_BACKEND)  # the session survives the new password
        messages.success(request, _("Votre mot de passe est enregistré."))
        return redirect(local_target(request, request.POST.get("next"), reverse("choose_tenant")))
    status = 400 if form.errors else 200
    return render(request, "signup/set_password.html", {"password_form": form}, status=status)


# -- Tenant hosts: the welcome page and the admins' answers -------------------------------------


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    """First steps in a new tenant; a password form when the person has none yet."""
    tenant = _tenant(request)
    user: User = request.user  # type: ignore[assignment]
    form = None
    if not user.has_usable_password():
        form = SetPasswordForm(user, _posted(request))
        if request.method == "POST" and form.is_valid():
            services.set_first_password(user, form.cleaned_data["password"])
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Votre mot de passe est enregistré."))
            return redirect("signup:welcome")
    context = {
        "tenant": tenant,
        "password_form": form,
        "epci_tenant": selectors.epci_tenant_of(tenant),
        "member_tenants": list(selectors.member_tenants_of(tenant)[:10])
        if tenant.kind == "epci"
        else [],
        "is_admin": getattr(request, "membership", None) is not None
        and request.membership.is_admin,  # type: ignore[attr-defined]
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "signup/welcome.html", context, status=status)


def _admin_only(request: HttpRequest) -> Tenant:
    tenant = _tenant(request)
    if not joins.may_decide(getattr(request, "membership", None), tenant):
        raise PermissionDenied(
            _(
                "Cette page est réservée aux administrateurs de %(name)s. "
                "Demandez à l'un d'eux si vous pensez devoir y accéder."
            )
            % {"name": tenant.name}
        )
    return tenant


@require_GET
def join_requests(request: HttpRequest) -> HttpResponse:
    try:
        tenant = _admin_only(request)
    except PermissionDenied as denied:
        return render(request, "signup/forbidden.html", {"message": str(denied)}, status=403)
    return render(
        request,
        "signup/join_requests.html",
        {
            "tenant": tenant,
            "pending": selectors.pending_join_requests(tenant),
            "decided": selectors.recent_decisions(tenant),
        },
    )


def _decide(request: HttpRequest, pk: int, accept: bool) -> HttpResponse:
    try:
        tenant = _admin_only(request)
    except PermissionDenied as denied:
        return render(request, "signup/forbidden.html", {"message": str(denied)}, status=403)
    # Looked up within this tenant: another tenant's request is a 404, like one that does not exist.
    join_request = get_object_or_404(JoinRequest, pk=pk, tenant=tenant)
    acting: Membership = request.membership  # type: ignore[attr-defined]
    try:
        if accept:
            joins.accept_join_request(acting, join_request)
            messages.success(
                request,
                _("%(name)s a maintenant accès à %(tenant)s. Nous le lui avons écrit.")
                % {"name": join_request.full_name, "tenant": tenant.name},
            )
        else:
            joins.refuse_join_request(acting, join_request)
            messages.success(
                request,
                _("La demande de %(name)s est refusée. Nous le lui avons écrit.")
                % {"name": join_request.full_name},
            )
    except services.SignupRefused as error:
        messages.error(request, error.message)
    return redirect("signup:join_requests")


@require_POST
def join_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=True)


@require_POST
def join_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accept=False)
