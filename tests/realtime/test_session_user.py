"""The live gate reads the pages' session itself (`realtime.middleware.session_user`): the same
checks as Django's, without cycling a session key a websocket could not send back."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.test import override_settings

from entente.accounts.models import User
from realtime.middleware import session_user

BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_of(user: User, auth_hash: str | None = None) -> SessionBase:
    session: Any = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = auth_hash or user.get_session_auth_hash()
    session.save()
    return session


def stored(session: SessionBase) -> bool:
    key = session.session_key
    return bool(key) and import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def test_a_logged_in_session_names_its_person(make_user: Callable[..., User]) -> None:
    person = make_user()
    assert session_user(session_of(person)) == person


def test_no_person_in_the_session_is_anonymous(make_user: Callable[..., User]) -> None:
    session: Any = import_module(settings.SESSION_ENGINE).SessionStore()
    assert session_user(session) is None


def test_a_changed_password_ends_the_session(make_user: Callable[..., User]) -> None:
    person = make_user()
    session = session_of(person)
    person.set_password("un-autre-mot-de-passe-77")
    person.save()
    assert session_user(session) is None
    assert not stored(session)


def test_a_deactivated_person_is_refused(make_user: Callable[..., User]) -> None:
    person = make_user()
    session = session_of(person)
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert session_user(session) is None


def test_a_hash_of_the_previous_secret_key_is_kept(make_user: Callable[..., User]) -> None:
    """A rotated SECRET_KEY (the old one in SECRET_KEY_FALLBACKS) logs nobody out: the pages
    cycle such a hash, the socket accepts it as it stands and leaves the session alone."""
    person = make_user()
    old_key = "previous-secret-key-for-this-test-only-0123456789abcdef"
    with override_settings(SECRET_KEY=old_key):
        old_hash = person.get_session_auth_hash()
    session = session_of(person, old_hash)
    new_key = "current-secret-key-for-this-test-only-0123456789abcdef"
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        assert session_user(session) == person
    assert stored(session)
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        assert session_user(session) is None
    assert not stored(session)


@pytest.mark.parametrize("backend", ["", "entente.nowhere.Backend"])
def test_an_unknown_backend_is_anonymous(make_user: Callable[..., User], backend: str) -> None:
    person = make_user()
    session = session_of(person)
    session[BACKEND_SESSION_KEY] = backend
    assert session_user(session) is None
