"""Text fields of the API take JSON strings only.

DRF's `CharField` turns a number into its text (`0` becomes "0"): a client sending the wrong
type would have it stored without a word, where the OpenAPI says `string`. Here it is a 400 on
that field. Every serializer of the API uses these: `ModelSerializer` maps the models' text
columns to `StrictCharField`, and declared text fields are `StrictCharField`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

_M = TypeVar("_M", bound=models.Model)


class StrictCharField(serializers.CharField):
    default_error_messages = {
        "invalid": _("Texte attendu : une chaîne de caractères entre guillemets."),
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer[_M]):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


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
