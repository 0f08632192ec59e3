"""Every transition of a tenant's life, with frozen time, each leaving a TenantEvent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from entente.accounts.models import User
from tenants import lifecycle
from tenants.models import Tenant, TenantEvent, TenantPlan, TenantState

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = START + timedelta(days=30)


@pytest.fixture
def in_trial(tenant_a: Tenant) -> Tenant:
    Tenant.objects.filter(pk=tenant_a.pk).update(
        state=TenantState.TRIAL, plan=TenantPlan.TRIAL, trial_ends_at=END
    )
    tenant_a.refresh_from_db()
    return tenant_a


@pytest.fixture
def staff(make_user) -> User:
    return make_user("vendeur@entente.test", is_staff=True)


def events(tenant: Tenant) -> list[tuple[str, str, str]]:
    return list(
        TenantEvent.objects.filter(tenant=tenant)
        .order_by("created_at", "id")
        .values_list("action", "from_state", "to_state")
    )


def test_the_trial_length_comes_from_the_settings(settings) -> None:
    settings.ENTENTE_TRIAL_DAYS = 45
    assert lifecycle.trial_length() == timedelta(days=45)


def test_days_left_round_up_and_stop_at_zero(in_trial: Tenant) -> None:
    assert lifecycle.days_left(in_trial, END - timedelta(days=6, hours=1)) == 7
    assert lifecycle.days_left(in_trial, END - timedelta(days=7)) == 7
    assert lifecycle.days_left(in_trial, END - timedelta(minutes=1)) == 1
    assert lifecycle.days_left(in_trial, END) == 0
    assert lifecycle.days_left(in_trial, END + timedelta(days=3)) == 0


def test_a_trial_is_not_expired_before_its_end(in_trial: Tenant) -> None:
    with time_machine.travel(END - timedelta(seconds=1), tick=False):
        assert lifecycle.expire_trial(in_trial) is None
    in_trial.refresh_from_db()
    assert in_trial.state == TenantState.TRIAL
    assert events(in_trial) == []


def test_expiry_makes_the_tenant_read_only_once(in_trial: Tenant) -> None:
    with time_machine.travel(END + timedelta(minutes=5), tick=False):
        expired = lifecycle.expire_trial(in_trial)
        again = lifecycle.expire_trial(in_trial)

    assert expired is not None
    assert expired.state == TenantState.READ_ONLY
    assert again is None
    assert not expired.is_writable
    assert expired.is_open
    assert events(in_trial) == [(lifecycle.EXPIRE, TenantState.TRIAL, TenantState.READ_ONLY)]
    event = TenantEvent.objects.get(tenant=in_trial)
    assert event.actor is None
    assert event.reason


def test_extending_an_ended_trial_restores_writing(in_trial: Tenant, staff: User) -> None:
    with time_machine.travel(END + timedelta(days=1), tick=False):
        lifecycle.expire_trial(in_trial)
        new_end = END + timedelta(days=15)
        extended = lifecycle.extend_trial(
            in_trial, until=new_end, actor=staff, reason="Conseil municipal le 20"
        )

    assert extended.state == TenantState.TRIAL
    assert extended.is_writable
    assert extended.trial_ends_at == new_end
    event = TenantEvent.objects.filter(tenant=in_trial, action=lifecycle.EXTEND).get()
    assert event.actor == staff
    assert event.reason == "Conseil municipal le 20"
    assert event.data["trial_ends_at"] == new_end.isoformat()


def test_every_staff_action_needs_a_reason(in_trial: Tenant, staff: User) -> None:
    with pytest.raises(ValidationError) as error:
        lifecycle.suspend(in_trial, actor=staff, reason="   ")
    assert error.value.code == "reason_required"
    in_trial.refresh_from_db()
    assert in_trial.state == TenantState.TRIAL
    assert events(in_trial) == []


def test_conversion_restores_writing_at_once(in_trial: Tenant, staff: User) -> None:
    with time_machine.travel(END + timedelta(days=2), tick=False):
        lifecycle.expire_trial(in_trial)
        converted = lifecycle.convert(
            in_trial, plan=TenantPlan.STANDARD, actor=staff, reason="Bon de commande reçu"
        )
    assert converted.state == TenantState.ACTIVE
    assert converted.plan == TenantPlan.STANDARD
    assert converted.is_writable
    assert events(in_trial)[-1] == (lifecycle.CONVERT, TenantState.READ_ONLY, TenantState.ACTIVE)


def test_conversion_needs_a_paid_plan(in_trial: Tenant, staff: User) -> None:
    with pytest.raises(ValidationError):
        lifecycle.convert(in_trial, plan=TenantPlan.TRIAL, actor=staff, reason="x")


@pytest.mark.parametrize(
    ("plan", "trial_end_offset", "expected"),
    [
        (TenantPlan.STANDARD, timedelta(days=-10), TenantState.ACTIVE),
        (TenantPlan.TRIAL, timedelta(days=10), TenantState.TRIAL),
        (TenantPlan.TRIAL, timedelta(days=-10), TenantState.READ_ONLY),
    ],
)
def test_reactivation_goes_back_to_what_the_plan_and_dates_call_for(
    in_trial: Tenant, staff: User, plan: str, trial_end_offset: timedelta, expected: str
) -> None:
    with time_machine.travel(START + timedelta(days=5), tick=False):
        Tenant.objects.filter(pk=in_trial.pk).update(
            plan=plan, trial_ends_at=START + timedelta(days=5) + trial_end_offset
        )
        in_trial.refresh_from_db()
        suspended = lifecycle.suspend(in_trial, actor=staff, reason="Impayé")
        assert suspended.state == TenantState.SUSPENDED
        assert not suspended.is_open
        reactivated = lifecycle.reactivate(suspended, actor=staff, reason="Réglé")
    assert reactivated.state == expected
    assert events(in_trial)[-1] == (lifecycle.REACTIVATE, TenantState.SUSPENDED, expected)


def test_closing_needs_notice_and_keeps_the_tenant_readable(in_trial: Tenant, staff: User) -> None:
    with time_machine.travel(START, tick=False):
        with pytest.raises(ValidationError) as error:
            lifecycle.start_closing(
                in_trial, closing_on=date(2026, 3, 2), actor=staff, reason="Demande du maire"
            )
        assert error.value.code == "past_date"
        closing = lifecycle.start_closing(
            in_trial, closing_on=date(2026, 4, 30), actor=staff, reason="Demande du maire"
        )
    assert closing.state == TenantState.CLOSING
    assert closing.closing_on == date(2026, 4, 30)
    assert closing.is_open
    assert not closing.is_writable
    assert events(in_trial) == [(lifecycle.START_CLOSING, TenantState.TRIAL, TenantState.CLOSING)]


def test_set_read_only_then_refused_transitions(in_trial: Tenant, staff: User) -> None:
    read_only = lifecycle.set_read_only(in_trial, actor=staff, reason="Contrôle")
    assert read_only.state == TenantState.READ_ONLY
    with pytest.raises(ValidationError) as error:
        lifecycle.set_read_only(read_only, actor=staff, reason="Encore")
    assert error.value.code == "invalid_transition"
    assert "Lecture seule" in error.value.messages[0]
    assert len(events(in_trial)) == 1


def test_nothing_leaves_provisioning_through_the_lifecycle(tenant_a: Tenant, make_user) -> None:
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.PROVISIONING)
    tenant_a.refresh_from_db()
    with pytest.raises(ValidationError):
        lifecycle.convert(
            tenant_a, plan=TenantPlan.STANDARD, actor=make_user(is_staff=True), reason="x"
        )
