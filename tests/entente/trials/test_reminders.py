"""Trial e-mails over real SMTP: D-7, D-1 and expiry, each sent once, to the admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from entente.accounts.models import Role, User
from entente.trials import services
from entente.trials.models import ReminderKind, TrialReminder
from entente.trials.tasks import apply_trial_dates
from tenants import lifecycle
from tenants.models import Tenant, TenantEvent, TenantPlan, TenantState
from tests.support.smtp import Mailbox

END = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)


@pytest.fixture
def in_trial(tenant_a: Tenant) -> Tenant:
    Tenant.objects.filter(pk=tenant_a.pk).update(
        state=TenantState.TRIAL, plan=TenantPlan.TRIAL, trial_ends_at=END
    )
    tenant_a.refresh_from_db()
    return tenant_a


@pytest.fixture
def admin(make_user, in_trial: Tenant) -> User:
    return make_user("maire@lege.test", tenant=in_trial, role=Role.ADMIN, full_name="Anne Maire")


@pytest.fixture
def agent(make_user, in_trial: Tenant) -> User:
    return make_user("agent@lege.test", tenant=in_trial, role=Role.AGENT)


def subject(message: object) -> str:
    """Long encoded subjects are folded; the parser may keep a space from the fold."""
    return str(message["Subject"]).strip()  # type: ignore[index]


def run_at(moment: datetime) -> services.RunReport:
    with time_machine.travel(moment, tick=False):
        return services.apply_trial_dates()


def test_nothing_is_sent_more_than_seven_days_before_the_end(
    smtp_server: Mailbox, in_trial: Tenant, admin: User
) -> None:
    report = run_at(END - timedelta(days=7, minutes=1))
    assert report.reminders == []
    assert report.expired == []
    assert smtp_server.messages == []


def test_the_three_mails_each_go_once_to_the_admins_only(
    smtp_server: Mailbox, in_trial: Tenant, admin: User, agent: User
) -> None:
    for moment in (END - timedelta(days=6, hours=20), END - timedelta(days=5)):
        run_at(moment)
    d7 = smtp_server.to(admin.email)
    assert len(d7) == 1
    assert subject(d7[0]) == "[Entente] Plus que 7 jours d'essai pour Legé"
    body = Mailbox.text_of(d7[0])
    assert "Bonjour Anne Maire," in body
    assert "se termine dans 7 jours, le 30 juin 2026" in body
    assert "lecture seule" in body

    for moment in (END - timedelta(hours=20), END - timedelta(hours=2)):
        run_at(moment)
    d1 = smtp_server.to(admin.email)[1:]
    assert len(d1) == 1
    assert subject(d1[0]) == "[Entente] Dernier jour d'essai pour Legé"
    assert "se termine dans 1 jour" in Mailbox.text_of(d1[0])

    for moment in (END + timedelta(minutes=10), END + timedelta(days=1)):
        run_at(moment)
    expired = smtp_server.to(admin.email)[2:]
    assert len(expired) == 1
    assert subject(expired[0]) == "[Entente] L'essai de Legé est terminé : lecture seule"
    assert "/administration/export/" in Mailbox.text_of(expired[0])

    assert smtp_server.to(agent.email) == []
    in_trial.refresh_from_db()
    assert in_trial.state == TenantState.READ_ONLY
    assert TenantEvent.objects.filter(tenant=in_trial, action=lifecycle.EXPIRE).count() == 1
    assert set(TrialReminder.objects.filter(tenant=in_trial).values_list("kind", "recipients")) == {
        (ReminderKind.DAYS_7, 1),
        (ReminderKind.DAYS_1, 1),
        (ReminderKind.EXPIRED, 1),
    }
    assert not TrialReminder.objects.filter(tenant=in_trial, sent_at__isnull=True).exists()


def test_a_late_run_sends_only_the_latest_reminder(
    smtp_server: Mailbox, in_trial: Tenant, admin: User
) -> None:
    run_at(END - timedelta(hours=12))
    subjects = [subject(m) for m in smtp_server.to(admin.email)]
    assert subjects == ["[Entente] Dernier jour d'essai pour Legé"]


def test_an_extended_trial_gets_its_reminders_again_for_its_new_end(
    smtp_server: Mailbox, in_trial: Tenant, admin: User, make_user
) -> None:
    run_at(END - timedelta(days=3))
    staff = make_user("vendeur@entente.test", is_staff=True)
    with time_machine.travel(END - timedelta(days=3), tick=False):
        lifecycle.extend_trial(
            in_trial, until=END + timedelta(days=14), actor=staff, reason="Budget voté en juillet"
        )
    run_at(END - timedelta(days=2))  # the new end is 16 days away: nothing due
    run_at(END + timedelta(days=8))  # 6 days before the new end
    subjects = [subject(m) for m in smtp_server.to(admin.email)]
    assert subjects == ["[Entente] Plus que 7 jours d'essai pour Legé"] * 2


def test_the_periodic_task_runs_the_same_service(
    smtp_server: Mailbox, in_trial: Tenant, admin: User
) -> None:
    with time_machine.travel(END + timedelta(hours=1), tick=False):
        first = apply_trial_dates.apply().get()
        second = apply_trial_dates.apply().get()
    assert first == {"reminders": 1, "expired": 1, "failed": 0}
    assert second == {"reminders": 0, "expired": 0, "failed": 0}
    assert len(smtp_server.to(admin.email)) == 1


def test_a_failed_send_is_retried_by_the_next_run(in_trial: Tenant, admin: User, settings) -> None:
    from tests.support.live import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    failed = run_at(END - timedelta(hours=5))
    assert failed.failed == [(in_trial.pk, ReminderKind.DAYS_1)]
    assert failed.reminders == []
    assert not TrialReminder.objects.filter(tenant=in_trial).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = run_at(END - timedelta(hours=4))
    assert report.reminders == [(in_trial.pk, ReminderKind.DAYS_1)]
