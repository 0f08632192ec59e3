"""Text fields of the API take JSON strings only, and bodies only the fields they document.

DRF's `CharField` turns a number into its text (`0` becomes "0"): a client sending the wrong
type would have it stored without a word, where the OpenAPI says `string`. Here it is a 400 on
that field. Every serializer of the API uses these: `ModelSerializer` maps the models' text
columns to `StrictCharField`, and declared text fields are `StrictCharField`.

A body key that is not a writable field of the serializer (a typo, a read-only `id` sent back)
is a 400 on that key rather than silently dropped: the OpenAPI says `additionalProperties:
false` for every request body (`api.schema`), and a client that misspells `due_date` learns it
at once instead of finding a task without its date. `Serializer` and `ModelSerializer` here do
this; every serializer of the API derives from one of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

_M = TypeVar("_M", bound=models.Model)
_T = TypeVar("_T")


class StrictCharField(serializers.CharField):
    default_error_messages = {
        "invalid": _("Texte attendu : une chaîne de caractères entre guillemets."),
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class QueryDateField(serializers.DateField):
    """A date in the query string: `date_to=` (empty) is a 400, as the OpenAPI's `format: date`
    says, where DRF would read it as absent and answer for every date."""

    def get_value(self, dictionary: Any) -> Any:
        if dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, value: Any) -> Any:
        if value == "":
            self.fail("invalid", format="AAAA-MM-JJ")
        return super().to_internal_value(value)


# Sent by a form post (the browsable API, a page posting to the API), never a field.
IGNORED_KEYS = frozenset({"csrfmiddlewaretoken"})


def unknown_keys(serializer: serializers.Serializer[Any], data: Any) -> dict[str, list[str]]:
    if not isinstance(data, Mapping):
        return {}  # DRF's own check answers « object expected »
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    unknown = [key for key in data if key not in writable and key not in IGNORED_KEYS]
    return {
        str(key): [str(_("Champ inconnu : retirez-le ou vérifiez son nom."))] for key in unknown
    }


class RefusesUnknownFields:
    def to_internal_value(self, data: Any) -> Any:
        unknown = unknown_keys(self, data)  # type: ignore[arg-type]
        if unknown:
            raise ValidationError(unknown)
        return super().to_internal_value(data)  # type: ignore[misc]


class Serializer(RefusesUnknownFields, serializers.Serializer[_T]):
    pass


class ModelSerializer(RefusesUnknownFields, serializers.ModelSerializer[_M]):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


# An identifier in the query, as the OpenAPI states it (beyond 18 digits, no row has that id).
ID_MAX = 10**18 - 1
POSITIVE_ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
_INTEGER = re.compile(r"-?[0-9]{1,19}")


def query_int(
    params: Mapping[str, str],
    name: str,
    *,
    low: int = 1,
    high: int = ID_MAX,
    default: int | None = None,
    empty_is_absent: bool = False,
) -> int | None:
    """An integer query parameter within `low`..`high` (the bounds its OpenAPI states), or a
    400 on that parameter. Absent is `default`; empty too where `empty_is_absent`, else a 400
    (`?space=` names no space)."""
    raw = params.get(name)
    if raw is None or (raw == "" and empty_is_absent):
        return default
    if not _INTEGER.fullmatch(raw):
        raise ValidationError({name: [_("Nombre entier attendu.")]})
    value = int(raw)
    if low <= value <= high:
        return value
    if low == 1 and high == ID_MAX:
        raise ValidationError({name: [_("Identifiant attendu : un nombre positif.")]})
    message = _("Nombre attendu entre %(low)d et %(high)d.") % {"low": low, "high": high}
    raise ValidationError({name: [message]})


def query_flag(params: Mapping[str, str], name: str) -> bool:
    """A yes/no query parameter: absent or empty is no; `true`/`1` or `false`/`0`; anything else
    a 400 (`?unread=null` is not « no », and the OpenAPI says boolean)."""
    raw = params.get(name)
    if not raw:  # absent or empty, as django-filter reads an empty choice
        return False
    value = raw.strip().lower()
    if value in {"true", "1"}:
        return True
    if value in {"false", "0"}:
        return False
    raise ValidationError({name: [_("Valeur attendue : true ou false.")]})
