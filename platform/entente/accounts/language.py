"""The page language: the person's choice, French otherwise.

Entente speaks French first. The browser's Accept-Language is ignored on purpose: a town-hall
computer set up in English must not turn the product English for an agent who never asked.
The choice made with the language switcher is kept in a cookie shared by every subdomain and,
for a logged-in person, in their profile, so it follows them to another computer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_for(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED:
        return str(chosen)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in SUPPORTED:
        return str(user.language)
    return str(settings.LANGUAGE_CODE)


class PersonLanguageMiddleware:
    """Replaces Django's LocaleMiddleware (placed after authentication to read the profile)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = language_for(request)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        response.headers.setdefault("Vary", "Cookie")
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and the choice saved in the person's profile."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    user = request.user
    if code in SUPPORTED and user.is_authenticated and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response
