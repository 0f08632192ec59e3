"""Reads of entente.privacy."""

from __future__ import annotations

from typing import IO

from django.core.files.storage import default_storage

from entente.accounts.models import User

from .models import PersonalExport


def latest_export(user: User) -> PersonalExport | None:
    return PersonalExport.objects.filter(user=user).order_by("-created_at").first()


def export_of(user: User, export_id: int) -> PersonalExport | None:
    return PersonalExport.objects.filter(user=user, pk=export_id).first()


def open_export(made: PersonalExport) -> IO[bytes]:
    handle: IO[bytes] = default_storage.open(made.file, "rb")
    return handle
