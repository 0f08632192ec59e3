"""The live hub's membership check at delivery (`payloads.reaching`), in this process."""

from __future__ import annotations

from typing import Any

from entente.accounts.acting import memberships
from entente.accounts.models import Membership
from realtime import payloads


def test_reaching_answers_warm_members_without_a_query_and_sees_a_removal(
    tenant_a: Any,
    make_user: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    stays, leaves = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    outsider = make_user()
    memberships.evict(None)
    for person in (stays, leaves):  # as their sockets' admission did
        assert memberships.membership(person, tenant_a) is not None
    with django_assert_num_queries(0):
        assert payloads.reaching([stays.pk, leaves.pk], tenant_a.pk) == {stays.pk, leaves.pk}

    with django_capture_on_commit_callbacks(execute=True):  # the change is published
        Membership.objects.filter(user=leaves, tenant=tenant_a).delete()
    assert payloads.reaching([stays.pk, leaves.pk, outsider.pk], tenant_a.pk) == {stays.pk}
