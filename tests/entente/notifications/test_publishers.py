"""The publishers' real paths into the inbox: join requests, trial reminders, federation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from entente.accounts.models import Role, User
from entente.federation.services import accept_invitation, invite_commune
from entente.notifications.models import Notification, NotificationKind
from entente.signup import joins
from entente.trials import services as trials
from tenants.models import Tenant, TenantPlan, TenantState

pytestmark = pytest.mark.usefixtures("eager")


def test_a_confirmed_join_request_reaches_the_admins_inbox(
    tenant_a: Tenant,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    agent = make_user("agent@lege.test", tenant=tenant_a, role=Role.AGENT)
    with django_capture_on_commit_callbacks(execute=True):
        request = joins.request_to_join(
            tenant=tenant_a, full_name="Jeanne Martin", email="jeanne@exemple.fr", function="Élue"
        )
    with django_capture_on_commit_callbacks(execute=True):
        joins.confirm_join_request(joins.join_token(request))
    [row] = Notification.objects.filter(kind=NotificationKind.JOIN_REQUEST)
    assert row.user == admin
    assert row.title == "Jeanne Martin demande à rejoindre Legé"
    assert row.object_id == request.pk
    assert not Notification.objects.filter(user=agent).exists()


def test_a_trial_reminder_reaches_the_admins_inbox_once(
    tenant_a: Tenant, make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    end = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    Tenant.objects.filter(pk=tenant_a.pk).update(
        state=TenantState.TRIAL, plan=TenantPlan.TRIAL, trial_ends_at=end
    )
    admin = make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    for _ in range(2):
        with (
            time_machine.travel(end - timedelta(days=6), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            trials.apply_trial_dates()
    [row] = Notification.objects.filter(user=admin)
    assert row.kind == NotificationKind.TRIAL_REMINDER
    assert "se termine dans 6 jour(s)" in row.title


@pytest.mark.usefixtures("official_data")
def test_federation_invitation_and_answer_reach_the_other_side(
    tenant_epci: Tenant,
    tenant_a: Tenant,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    epci_admin = make_user("president@sud-retz.test", tenant=tenant_epci, role=Role.ADMIN)
    commune_admin = make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        link = invite_commune(tenant_epci, tenant_a, actor=epci_admin)
    [invited] = Notification.objects.filter(user=commune_admin)
    assert invited.kind == NotificationKind.FEDERATION
    assert invited.tenant == tenant_a
    assert invited.title == "CC Sud Retz Atlantique invite Legé à partager des espaces"
    assert invited.url.endswith("/federation/")
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(link, actor=commune_admin)
    [answer] = Notification.objects.filter(user=epci_admin)
    assert answer.title == "Legé a accepté l'invitation de CC Sud Retz Atlantique"
    assert answer.tenant == tenant_epci
    assert Notification.objects.filter(user=commune_admin).count() == 1
