"""Spare schemas (tenants/spares.py): replayed ahead of time, renamed at sign-up, never stale.

Inside the test transaction, as the provisioning tests (DDL is transactional in PostgreSQL).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction

from entente.core.db import connection
from tenants import spares, template
from tenants.models import SpareSchema, TenantState
from tenants.signals import spare_claimed
from tenants.template import template_schema

from .test_provisioning import new_tenant, schema_exists, schema_signature

pytestmark = pytest.mark.django_db


def test_the_capture_names_its_schema_only_by_oid() -> None:
    """What makes a rename safe: no function, procedure, trigger, view or rule body (text that
    would keep the spare's name) in the capture replayed."""
    sql = template.current_capture().sql
    for kind in ("FUNCTION", "PROCEDURE", "TRIGGER", "VIEW", "RULE", "POLICY"):
        assert not re.search(rf"\bCREATE\s+(OR\s+REPLACE\s+)?{kind}\b", sql, re.I), kind


def test_a_new_tenant_takes_a_spare_renamed_and_identical_to_the_template() -> None:
    assert spares.refill(1) == 1
    spare = SpareSchema.objects.get()
    assert schema_exists(spare.name)

    tenant = new_tenant()

    assert tenant.state == TenantState.TRIAL
    assert not schema_exists(spare.name)
    assert not SpareSchema.objects.exists()
    expected = schema_signature(template_schema())
    actual = schema_signature(tenant.schema_name)
    for part in expected:
        assert actual[part] == expected[part], part
    with connection.cursor() as cursor:  # its sequences and defaults work under the new name
        cursor.execute(
            f'INSERT INTO "{tenant.schema_name}".django_content_type (app_label, model) '  # noqa: S608
            "VALUES ('spares', 'probe') RETURNING id"
        )
        assert cursor.fetchone()


def test_without_a_spare_the_template_is_replayed() -> None:
    assert not SpareSchema.objects.exists()
    tenant = new_tenant()
    assert tenant.state == TenantState.TRIAL
    assert schema_exists(tenant.schema_name)


def test_a_spare_of_earlier_migrations_is_never_claimed_and_is_dropped() -> None:
    spares.refill(1)
    stale = SpareSchema.objects.get()
    SpareSchema.objects.filter(pk=stale.pk).update(fingerprint="0" * 64)

    assert spares.claim("t_never") is False
    assert spares.refill(1) == 1  # the stale one dropped, a current one made
    assert not schema_exists(stale.name)
    current = SpareSchema.objects.get()
    assert current.fingerprint == template.migration_fingerprint()
    assert schema_exists(current.name)


def test_a_rolled_back_claim_gives_the_spare_back() -> None:
    spares.refill(1)
    spare = SpareSchema.objects.get()

    def claim_then_fail() -> None:
        with transaction.atomic():
            assert spares.claim("t_rolled_back")
            assert schema_exists("t_rolled_back")
            raise RuntimeError("the sign-up failed after the claim")

    with pytest.raises(RuntimeError):
        claim_then_fail()
    assert SpareSchema.objects.get() == spare
    assert schema_exists(spare.name)
    assert not schema_exists("t_rolled_back")


def test_refill_keeps_the_number_asked_and_zero_makes_none() -> None:
    assert spares.refill(0) == 0
    assert spares.refill(2) == 2
    assert spares.refill(2) == 0
    assert SpareSchema.objects.count() == 2


def test_a_claim_asks_for_a_new_spare_once_committed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    spares.refill(1)
    heard: list[Any] = []

    def listener(**kwargs: Any) -> None:
        heard.append(kwargs)

    spare_claimed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            new_tenant()
            assert not heard  # not before the commit
        assert len(heard) == 1
    finally:
        spare_claimed.disconnect(listener)
