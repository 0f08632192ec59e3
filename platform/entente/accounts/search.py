"""People in search: name, function and commune, found by the staff of the tenant only.

One entry per membership (tenant, person): the index's tenant is the membership's. Guests
(citizens) are not listed. Entries run in the tenant's schema; the tenant is read from the
connection. Memberships publish no event yet, so `manage.py search_reindex` refreshes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind

from .models import Membership, Role


def _memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(
        tenant__schema_name=connection.schema_name,  # type: ignore[attr-defined]
        user__is_active=True,
    ).exclude(role=Role.GUEST)


def person_entries(ids: Sequence[int]) -> list[Entry]:
    memberships = _memberships().filter(user_id__in=ids).select_related("user", "tenant")
    return [
        Entry(
            kind="person",
            object_id=m.user_id,
            title=m.user.display_name,
            body=" · ".join(part for part in (m.user.function, m.tenant.name) if part),
            url=reverse("tenant_home"),
            date=m.created_at,
        )
        for m in memberships
    ]


KINDS = (
    SearchKind(
        kind="person",
        label=_("Personne"),
        entries=person_entries,
        all_ids=lambda: _memberships().values_list("user_id", flat=True),
        verbs=(),  # memberships publish no event yet: `search_reindex` refreshes people
        order=60,
    ),
)
