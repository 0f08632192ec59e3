"""`manage.py create_staff <email>`: a vendor staff account, and how to turn on its MFA.

The console admits staff only with a TOTP code, so the first login is: password, set up the
authenticator app, log in again with the code. The password is generated and printed once
(or read with --password-stdin); the address is marked verified, since it was typed by the
operator who runs this command.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from entente.accounts.models import User
from entente.core.links import platform_url


class Command(BaseCommand):
    help = "Crée un compte de l'équipe Entente (console) et explique comment activer la 2FA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Nom complet.")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Donne aussi tous les droits dans l'admin Django (/admin/).",
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Lit le mot de passe sur l'entrée standard au lieu d'en générer un.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(
                f"{email} a déjà un compte. Pour en faire un membre de l'équipe, utilisez l'admin "
                "Django ou `manage.py shell` (User.is_staff = True)."
            )
        password = sys.stdin.readline().strip() if options["password_stdin"] else ""
        generated = not password
        password = password or secrets.token_urlsafe(18)
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                full_name=options["name"],
                is_staff=True,
                is_superuser=bool(options["superuser"]),
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        lines = [
            f"Compte de l'équipe Entente créé : {email}",
            *([f"Mot de passe (affiché une seule fois) : {password}"] if generated else []),
            "",
            "La console exige la double authentification (TOTP). À la première connexion :",
            f"  1. Connectez-vous : {platform_url('/comptes/login/')}",
            f"  2. Ouvrez {platform_url('/console/')} : vous êtes envoyé vers l'activation de la",
            "     double authentification. Scannez le QR code avec une application (FreeOTP,",
            "     Aegis, Google Authenticator…), saisissez le code, gardez les codes de secours.",
            "  3. Déconnectez-vous et reconnectez-vous : le code est alors demandé, et la console",
            "     s'ouvre. Une session ouverte sans le code redemande le code avant la console.",
        ]
        self.stdout.write("\n".join(lines))
