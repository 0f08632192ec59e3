"""Writes of the tenant's task labels: staff create them, administrators change and delete them.

Each write checks the acting party itself (`permissions.may_create_labels`,
`may_manage_labels`); names are unique without regard to case.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.core.errors import DUPLICATE

from .models import Label
from .permissions import may_create_labels, may_manage_labels

HEX_COLOR = re.compile(r"#[0-9a-f]{6}")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_label(name: str, color: str) -> tuple[str, str]:
    name = name.strip()[:60]
    if not name:
        raise ValidationError({"name": _("Donnez un nom à l'étiquette.")})
    color = color.strip().lower()
    if not HEX_COLOR.fullmatch(color):
        raise ValidationError(
            {"color": _("Indiquez une couleur au format #RRGGBB, par exemple #1f6feb.")}
        )
    return name, color


def _unique_label_name(name: str, exclude_pk: int | None = None) -> None:
    clash = Label.objects.filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        message = _("Cette étiquette existe déjà : choisissez un autre nom.")
        raise ValidationError({"name": ValidationError(message, code=DUPLICATE)})


@transaction.atomic
def create_label(acting: Acting, *, name: str, color: str = "#1f6feb") -> Label:
    _require(may_create_labels(acting), _("Seuls les agents et élus peuvent créer des étiquettes."))
    name, color = _clean_label(name, color)
    _unique_label_name(name)
    return Label.objects.create(name=name, color=color)


@transaction.atomic
def update_label(
    acting: Acting, label: Label, *, name: str | None = None, color: str | None = None
) -> Label:
    _require(
        may_manage_labels(acting), _("Seuls les administrateurs peuvent modifier les étiquettes.")
    )
    name, color = _clean_label(
        label.name if name is None else name, label.color if color is None else color
    )
    _unique_label_name(name, exclude_pk=label.pk)
    label.name, label.color = name, color
    label.save(update_fields=["name", "color"])
    return label


@transaction.atomic
def delete_label(acting: Acting, label: Label) -> None:
    _require(
        may_manage_labels(acting), _("Seuls les administrateurs peuvent supprimer les étiquettes.")
    )
    label.delete()
