"""The console's action form asks for the one field each action cannot go without."""

from __future__ import annotations

import pytest

from entente.console.forms import TenantActionForm


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("extend_trial", "trial_ends_on", "2099-01-31"),
        ("convert", "plan", "standard"),
        ("start_closing", "closing_on", "2099-06-30"),
    ],
)
def test_an_action_needs_its_field(action: str, field: str, value: str) -> None:
    without = TenantActionForm({"action": action, "reason": "Demande du maire"})
    assert not without.is_valid()
    assert list(without.errors) == [field]

    given = TenantActionForm({"action": action, "reason": "Demande du maire", field: value})
    assert given.is_valid(), given.errors


@pytest.mark.parametrize("action", ["set_read_only", "suspend", "reactivate"])
def test_other_actions_need_only_a_reason(action: str) -> None:
    assert TenantActionForm({"action": action, "reason": "Impayé"}).is_valid()
    assert list(TenantActionForm({"action": action}).errors) == ["reason"]
