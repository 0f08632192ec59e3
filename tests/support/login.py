"""A test client's `force_login` without the throwaway session Django makes first.

Django's `Client._login` reads `self.session`, which, for a client with no session cookie yet
(every new client), creates and saves a session only for `login()` to read it, find no person,
and cycle it (read, delete, create again). That is four statements and two savepoints more per
login than the login itself, and a quarter of the time of the unit tests that log a client in
(py-spy over tests/entente/tasks, spaces, documents and tests/api/tasks, 2026-12-08; the
isolation matrices log one in per test). Here a client with no session cookie logs in on a new,
unsaved session: `login()` runs as in a browser (the same signals, the key cycled, the session
saved once, the cookie set); a client that already has a session goes Django's way.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.test.client import ClientMixin

_django_login = ClientMixin._login  # type: ignore[attr-defined]  # (private: not in the stubs)


def _login(self: Any, user: Any, backend: str | None = None) -> None:
    if self.cookies.get(settings.SESSION_COOKIE_NAME):
        _django_login(self, user, backend)
        return
    from django.contrib.auth import login

    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend)
    request.session.save()
    self._set_login_cookies(request)


def install() -> None:
    ClientMixin._login = _login  # type: ignore[attr-defined]
