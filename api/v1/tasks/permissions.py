"""Authorisation of the task API: always `space_abilities` of the task's space.

A task in a space the caller cannot see answers 404 (its existence is not disclosed); a visible
task the caller may not change answers 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.selectors import spaces_for
from entente.tasks.models import Task
from entente.tasks.permissions import abilities_in


class SpaceScopedMixin:
    """What every space-scoped endpoint needs: the caller's membership and abilities."""

    @property
    def membership(self) -> Membership:
        request: Request | None = getattr(self, "request", None)
        membership: Membership | None = getattr(request, "membership", None)
        if membership is None:  # the middleware answers first; belt and braces
            raise exceptions.NotAuthenticated()
        return membership

    def visible_space(self, space_id: Any) -> tuple[Space, SpaceAbilities]:
        try:
            space = spaces_for(self.membership).get(pk=int(space_id))
        except (Space.DoesNotExist, TypeError, ValueError):
            raise exceptions.ValidationError(
                {"space": [_("Espace inconnu : choisissez un espace que vous pouvez voir.")]}
            ) from None
        return space, abilities_in(self.membership, space)

    def visible_task(self, pk: int) -> tuple[Task, SpaceAbilities]:
        task = Task.objects.select_related("space").filter(pk=pk).first()
        if task is None:
            raise Http404
        abilities = abilities_in(self.membership, task.space)
        if not abilities.view:
            raise Http404
        return task, abilities


def run_service(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service; its Django errors become the API's 400 and 403 answers."""
    try:
        return call(*args, **kwargs)
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise exceptions.ValidationError(detail) from None
