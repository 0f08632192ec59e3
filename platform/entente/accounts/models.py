"""People: one account per person (public schema) and a membership per tenant they work in."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. `is_staff` means vendor support staff (the console), never a tenant role."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    function = models.CharField(_("fonction"), max_length=150, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("équipe Entente"), default=False)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # The guided tour (entente.tour): offered on the home page until taken to the end or
    # declined; one person, one tour, whichever collectivité they work in.
    tour_closed_at = models.DateTimeField(_("visite guidée close le"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0]


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    AGENT = "agent", _("Agent")
    ELECTED = "elected", _("Élu")
    GUEST = "guest", _("Invité")


class Membership(models.Model):
    """A person's place in one tenant. Without one, the tenant shows them nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last visit to the tenant, to the nearest `middleware.LAST_SEEN_PRECISION` (admins see it
    # for their invited citizens); written at most that often per person and tenant.
    last_seen_at = models.DateTimeField(_("dernière visite"), null=True, blank=True)
    # When the visit before this one ended (its last `last_seen_at`, kept once the person comes
    # back after `last_seen.NEW_VISIT_AFTER`): the home page's « Depuis votre dernière visite ».
    previous_visit_at = models.DateTimeField(_("visite précédente"), null=True, blank=True)
    # The admin hid the « Premiers pas » of the home page (entente.core.first_steps).
    first_steps_hidden = models.BooleanField(_("premiers pas masqués"), default=False)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="membership_unique_person"),
        ]
        indexes = [models.Index(fields=["tenant", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.tenant} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        """Staff of the collectivité (not a guest): agents, elected officials, admins."""
        return self.role != Role.GUEST


class ApiToken(models.Model):
    """A personal API token: `Authorization: Bearer ent_<prefix>_<secret>`.

    Only the prefix (to find the row) and the SHA-256 of the whole token are kept: the token
    is shown once, at creation, and cannot be read back. A token acts as its person on every
    tenant host where they are a member, with their abilities there, no more.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)  # hex SHA-256 of the full token
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (ent_{self.prefix}_…)"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now
