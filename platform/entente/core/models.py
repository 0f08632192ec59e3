"""Shared base model and fields for tenant data."""

from typing import Any

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PersonField(models.ForeignKey):
    """A reference from a tenant's data to a person (`accounts.User`, in the public schema).

    Without a database constraint, and never cascading, on purpose: each such constraint,
    replayed into every tenant schema, adds triggers to the one public people table, so that
    creating a tenant and changing a person grow with the number of tenants (measured in
    benchmarks/provisioning.py; see docs/architecture.md, "Schemas"). People are deactivated,
    never deleted, so the ids stay valid.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to", settings.AUTH_USER_MODEL)
        kwargs.setdefault("on_delete", models.DO_NOTHING)
        kwargs["db_constraint"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_constraint", None)
        return name, path, args, kwargs
