"""Writes of the sign-up: start, confirm, provision, expire; a first password.

Join requests and their answers are in `joins.py`.

Views parse and call these; e-mails and tasks leave on commit. Every refusal is a
`SignupRefused` whose message says, in French, what the person can do next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from entente.core.links import platform_url
from entente.core.mail import one_line
from entente.reference.selectors import Collectivity
from tenants import routing
from tenants.models import Tenant, TenantState
from tenants.provisioning import create_tenant, retry_provisioning, slug_for, validate_slug

from .models import HOLDING_STATES, JoinRequest, JoinState, Signup, SignupState
from .selectors import tenant_of_collectivity

T = TypeVar("T")

logger = logging.getLogger(__name__)
# pg_advisory_lock's first key: the sign-ups' provisioning (the second is the sign-up's id).
PROVISIONING_LOCK = 7301

SIGNUP_SALT = "entente.signup.confirm"
# After the département, numbers: `lege`, `lege-44`, `lege-2`, … `lege-99`.
MAX_SLUG_NUMBER = 99
PUBLIC_URLCONF = "entente.config.urls_public"


class SignupRefused(Exception):  # noqa: N818 (a refusal, not a bug)
    """A sign-up or join step that cannot go on; `message` says what to do instead."""

    def __init__(self, message: str, code: str, tenant: Tenant | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.tenant = tenant


# -- Settings -------------------------------------------------------------------------------------


def confirmation_hours() -> int:
    return int(getattr(settings, "SIGNUP_CONFIRMATION_HOURS", 48))


def trial_days() -> int:
    return int(getattr(settings, "ENTENTE_TRIAL_DAYS", 30))


# -- Abuse ----------------------------------------------------------------------------------------


def check_rate_limits(ip_address: str | None, email: str) -> None:
    """Count one attempt for this IP address and this e-mail address; refuse beyond the limits.

    Fixed windows counted in the shared cache (Redis), so every web process sees the same
    counts. Counted in the public namespace whatever host asks.
    """
    window = int(getattr(settings, "SIGNUP_RATE_LIMIT_WINDOW_SECONDS", 3600))
    bucket = int(timezone.now().timestamp()) // window
    checks = [("email", email.strip().lower(), int(settings.SIGNUP_RATE_LIMIT_PER_EMAIL))]
    if ip_address:
        checks.insert(0, ("ip", ip_address, int(settings.SIGNUP_RATE_LIMIT_PER_IP)))
    with schema_context(get_public_schema_name()):
        for scope, value, limit in checks:
            key = f"signup:rate:{scope}:{value}:{bucket}"
            cache.add(key, 0, timeout=window)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
                count = 1
            if count > limit:
                minutes = max(1, window // 60)
                raise SignupRefused(
                    _(
                        "Trop de demandes depuis %(scope)s. Attendez %(minutes)s minutes puis "
                        "réessayez, ou écrivez-nous si vous pensez qu'il s'agit d'une erreur."
                    )
                    % {
                        "scope": _("cette adresse e-mail")
                        if scope == "email"
                        else _("cette connexion"),
                        "minutes": minutes,
                    },
                    code="rate_limited",
                )


# -- Slugs ----------------------------------------------------------------------------------------


def slug_is_free(slug: str) -> bool:
    """Valid, not reserved, not a tenant's and not held by a waiting sign-up."""
    try:
        validate_slug(slug)
    except ValidationError:
        return False
    return not Signup.objects.filter(slug=slug, state__in=HOLDING_STATES).exists()


def propose_slug(name: str, departement: str = "") -> str:
    """The collectivité's name as a slug; on collision with the département, then a number."""
    base = slug_for(name)[:56].strip("-") or "collectivite"
    candidates = [base]
    if departement:
        candidates.append(f"{base}-{departement.lower()}")
    candidates += [f"{base}-{number}" for number in range(2, MAX_SLUG_NUMBER + 1)]
    for candidate in candidates:
        if slug_is_free(candidate):
            return candidate
    raise SignupRefused(
        _(
            "Nous n'avons pas trouvé d'adresse libre pour « %(name)s ». "
            "Écrivez-nous : nous en choisirons une avec vous."
        )
        % {"name": name},
        code="no_free_slug",
    )


# -- Tokens ---------------------------------------------------------------------------------------


def signup_token(signup: Signup) -> str:
    return signing.dumps(str(signup.public_id), salt=SIGNUP_SALT, compress=True)


def read_token(token: str, salt: str) -> str:
    try:
        value: str = signing.loads(token, salt=salt, max_age=timedelta(hours=confirmation_hours()))
    except signing.SignatureExpired as error:
        raise SignupRefused(
            _(
                "Ce lien a expiré (il est valable %(hours)s heures). "
                "Recommencez votre demande depuis la page d'inscription."
            )
            % {"hours": confirmation_hours()},
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise SignupRefused(
            _(
                "Ce lien n'est pas valide. Copiez-le en entier depuis l'e-mail reçu, "
                "ou recommencez votre demande depuis la page d'inscription."
            ),
            code="bad_link",
        ) from error
    return value


def expired_refusal() -> SignupRefused:
    return SignupRefused(
        _(
            "Cette demande a expiré faute de confirmation dans les %(hours)s heures. "
            "Recommencez-la depuis la page d'inscription : cela ne prend qu'une minute."
        )
        % {"hours": confirmation_hours()},
        code="expired",
    )


def unknown_refusal() -> SignupRefused:
    return SignupRefused(
        _("Cette demande n'existe plus. Recommencez-la depuis la page d'inscription."),
        code="unknown",
    )


def expire_if_due(row: Signup | JoinRequest, waiting: str, expired: str) -> None:
    """A request still `waiting` past its deadline becomes `expired` (recorded, even if refused)."""
    if row.state == waiting and row.expires_at <= timezone.now():
        type(row).objects.filter(pk=row.pk).update(state=expired)
        row.state = expired


def confirmed(step: Callable[[str], T | SignupRefused], public_id: str) -> T:
    """Run a confirmation step in its transaction; a refusal is raised after the commit, so that
    what it recorded (expired, diverted) stays recorded."""
    with transaction.atomic():
        outcome = step(public_id)
    if isinstance(outcome, SignupRefused):
        raise outcome
    return outcome


# -- People ---------------------------------------------------------------------------------------


def person_for(email: str, full_name: str, function: str) -> User:
    """The account with this address, made if new, with the address marked confirmed."""
    address = email.strip().lower()
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        user = User.objects.create_user(address, None, full_name=full_name, function=function)
    elif not user.is_active:
        raise SignupRefused(
            _(
                "Le compte lié à cette adresse est désactivé. "
                "Écrivez au support d'Entente pour le rouvrir."
            ),
            code="inactive_account",
        )
    else:
        changed = []
        for name, value in (("full_name", full_name), ("function", function)):
            if value and not getattr(user, name):  # fill blanks, never overwrite
                setattr(user, name, value)
                changed.append(name)
        if changed:
            user.save(update_fields=changed)
    record = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if record is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=not has_primary
        )
    elif not record.verified:
        record.verified = True
        record.save(update_fields=["verified"])
    return user


def send_email(template: str, to: str, context: dict[str, Any]) -> None:
    subject = one_line(render_to_string(f"signup/email/{template}_subject.txt", context))
    body = render_to_string(f"signup/email/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def platform_link(name: str, **kwargs: Any) -> str:
    return platform_url(reverse(name, urlconf=PUBLIC_URLCONF, kwargs=kwargs))


# -- Sign-up --------------------------------------------------------------------------------------


@transaction.atomic
def start_signup(
    *,
    collectivity: Collectivity,
    full_name: str,
    email: str,
    function: str,
    ip_address: str | None = None,
) -> Signup:
    """Record the request, hold a slug and send the confirmation link (on commit)."""
    tenant = tenant_of_collectivity(collectivity.kind, collectivity.code)
    if tenant is not None:
        raise SignupRefused(
            _(
                "%(name)s est déjà sur Entente. Demandez l'accès à ses administrateurs "
                "avec le formulaire ci-dessous."
            )
            % {"name": tenant.name},
            code="already_on_entente",
            tenant=tenant,
        )
    check_rate_limits(ip_address, email)
    expire_signups()
    now = timezone.now()
    for _attempt in range(3):
        slug = propose_slug(collectivity.name, collectivity.departement)
        try:
            with transaction.atomic():
                signup = Signup.objects.create(
                    kind=collectivity.kind,
                    official_code=collectivity.code,
                    collectivity_name=collectivity.name,
                    departement=collectivity.departement,
                    population=collectivity.population,
                    slug=slug,
                    full_name=full_name.strip(),
                    email=email.strip().lower(),
                    function=function.strip(),
                    ip_address=ip_address,
                    created_at=now,
                    expires_at=now + timedelta(hours=confirmation_hours()),
                )
            break
        except IntegrityError:  # another sign-up took this slug meanwhile: propose the next
            continue
    else:
        raise SignupRefused(
            _("Le service est très sollicité. Réessayez dans un instant."), code="busy"
        )
    context = {
        "signup": signup,
        "link": platform_link("signup:confirm", token=signup_token(signup)),
        "hours": confirmation_hours(),
    }
    transaction.on_commit(lambda: send_email("confirm", signup.email, context))
    return signup


@dataclass(frozen=True)
class Confirmation:
    signup: Signup
    first_time: bool  # False: the link was already used (a second click)


def confirm_signup(token: str) -> Confirmation:
    """The person proved their address: make their account and start provisioning.

    A second click finds the sign-up past PENDING and changes nothing. A refusal is raised
    after the commit, so that what it recorded (expired, diverted) stays recorded.
    """
    public_id = read_token(token, SIGNUP_SALT)
    return confirmed(_confirm, public_id)


def _confirm(public_id: str) -> Confirmation | SignupRefused:
    signup = Signup.objects.select_for_update().filter(public_id=public_id).first()
    if signup is None:
        return unknown_refusal()
    expire_if_due(signup, SignupState.PENDING, SignupState.EXPIRED)
    if signup.state == SignupState.EXPIRED:
        return expired_refusal()
    if signup.state == SignupState.DIVERTED:
        tenant = tenant_of_collectivity(signup.kind, signup.official_code)
        return _already_on_entente(signup, tenant)
    if signup.state != SignupState.PENDING:
        return Confirmation(signup=signup, first_time=False)

    tenant = tenant_of_collectivity(signup.kind, signup.official_code)
    if tenant is not None:
        Signup.objects.filter(pk=signup.pk).update(state=SignupState.DIVERTED)
        return _already_on_entente(signup, tenant)
    if not slug_is_free_for(signup):
        signup.slug = propose_slug(signup.collectivity_name, signup.departement)
    user = person_for(signup.email, signup.full_name, signup.function)
    signup.user = user
    signup.state = SignupState.PROVISIONING
    signup.confirmed_at = timezone.now()
    try:
        with transaction.atomic():
            signup.save(update_fields=["user", "state", "confirmed_at", "slug"])
    except IntegrityError:  # someone else's sign-up for this collectivité is running
        return SignupRefused(
            _(
                "Une autre personne est en train de créer l'espace de %(name)s. "
                "Attendez quelques minutes puis demandez-lui l'accès depuis la page "
                "d'inscription."
            )
            % {"name": signup.collectivity_name},
            code="in_progress_elsewhere",
        )
    from .tasks import provision_signup_task

    signup_id = signup.pk
    transaction.on_commit(lambda: provision_signup_task.delay(signup_id))
    return Confirmation(signup=signup, first_time=True)


def slug_is_free_for(signup: Signup) -> bool:
    """The slug the sign-up holds is still free of tenants (the console may have taken it)."""
    try:
        validate_slug(signup.slug)
    except ValidationError:
        return False
    return True


def _already_on_entente(signup: Signup, tenant: Tenant | None) -> SignupRefused:
    name = tenant.name if tenant else signup.collectivity_name
    return SignupRefused(
        _(
            "%(name)s est déjà sur Entente : demandez l'accès à ses administrateurs "
            "depuis la page d'inscription."
        )
        % {"name": name},
        code="already_on_entente",
        tenant=tenant,
    )


def provision_signup(signup_id: int) -> Signup | None:
    """Create the tenant of a confirmed sign-up and make its person the admin. Idempotent.

    Runs in the confirmation's request (`provision_now`) and in a Celery task, sent at the same
    commit, that finishes what a request could not (delivered at least once): a sign-up already
    READY is left alone; a tenant left FAILED by an earlier run is built again. Both take a
    PostgreSQL advisory lock on the sign-up, so they never build it twice at once. A failure
    marks the sign-up FAILED with the reason, and the progress page tells the person.
    """
    with schema_context(get_public_schema_name()), _provisioning_lock(signup_id):
        return _provision_signup(signup_id)


@contextmanager
def _provisioning_lock(signup_id: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [PROVISIONING_LOCK, signup_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [PROVISIONING_LOCK, signup_id])


def provision_now(signup_id: int) -> Signup | None:
    """The confirmation's request builds the tenant itself (~0.1 s): no queue round trip before
    the welcome page (issue 17). If it fails, the sign-up is FAILED and the Celery task sent at
    the confirmation's commit builds it again; the progress page says so meanwhile."""
    if not settings.ENTENTE_SIGNUP_INLINE_PROVISIONING:
        return None
    try:
        return provision_signup(signup_id)
    except Exception:  # recorded on the sign-up (FAILED, with the reason) and logged
        return Signup.objects.filter(pk=signup_id).first()


def _provision_signup(signup_id: int) -> Signup | None:
    signup = Signup.objects.filter(pk=signup_id).select_related("user").first()
    if signup is None or signup.state not in (SignupState.PROVISIONING, SignupState.FAILED):
        return signup
    if signup.user is None:
        return signup
    try:
        tenant = Tenant.objects.filter(slug=signup.slug).first()
        if tenant is None:
            tenant = create_tenant(
                name=signup.collectivity_name,
                kind=signup.kind,
                official_code=signup.official_code,
                slug=signup.slug,
                population=signup.population,
                departement=signup.departement,
                state=TenantState.TRIAL,
            )
        elif tenant.official_code != signup.official_code or tenant.kind != signup.kind:
            raise ValidationError("slug taken by another collectivity", code="taken_slug")
        elif tenant.state == TenantState.FAILED:
            retry_provisioning(tenant, final_state=TenantState.TRIAL)
        _finish(signup, tenant)
    except Exception as error:
        logger.exception("Sign-up %s: provisioning failed", signup.pk)
        failed = Tenant.objects.filter(slug=signup.slug).first()
        Signup.objects.filter(pk=signup.pk).update(
            state=SignupState.FAILED,
            failure_reason=f"{type(error).__name__}: {error}",
            tenant=failed if failed and failed.official_code == signup.official_code else None,
        )
        raise
    signup.refresh_from_db()
    return signup


@transaction.atomic
def _finish(signup: Signup, tenant: Tenant) -> None:
    now = timezone.now()
    if tenant.trial_ends_at is None:
        Tenant.objects.filter(pk=tenant.pk).update(trial_ends_at=now + timedelta(days=trial_days()))
        transaction.on_commit(lambda: routing.note_change({routing.TENANT: [tenant.pk]}))
    assert signup.user is not None
    add_member(tenant, signup.user, Role.ADMIN)
    Signup.objects.filter(pk=signup.pk).update(
        state=SignupState.READY, tenant=tenant, ready_at=now, failure_reason=""
    )


@transaction.atomic
def retry_signup(signup: Signup, user: User) -> Signup:
    """The person asks again after a failure: send the task again."""
    if signup.user_id != user.pk:
        raise PermissionDenied
    if signup.state != SignupState.FAILED:
        return signup
    Signup.objects.filter(pk=signup.pk).update(state=SignupState.PROVISIONING, failure_reason="")
    from .tasks import provision_signup_task

    signup_id = signup.pk
    transaction.on_commit(lambda: provision_signup_task.delay(signup_id))
    signup.refresh_from_db()
    return signup


def expire_signups() -> int:
    """Mark unconfirmed sign-ups and join requests past their date expired (frees the slugs)."""
    now = timezone.now()
    count = Signup.objects.filter(state=SignupState.PENDING, expires_at__lte=now).update(
        state=SignupState.EXPIRED
    )
    count += JoinRequest.objects.filter(state=JoinState.UNCONFIRMED, expires_at__lte=now).update(
        state=JoinState.EXPIRED
    )
    return count


# -- A first password ----------------------------------------------------------------------------


def set_first_password(user: User, password: str) -> User:
    """The password of a person made by a confirmation link (sign-up, join request).

    Django's validators run here as well as in the form: a service never trusts its caller.
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
