"""The demo's meetings: a past council with approved minutes, the next one with its agenda."""

from __future__ import annotations

import pytest

from entente.meetings.demo import seed_meetings
from entente.meetings.models import Minutes, MinutesState
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db


def test_seed_meetings_once(actors: SpaceActors) -> None:
    people = [actors.people[k] for k in ("editor", "commenter", "reader")]
    with actors.inside():
        made = seed_meetings(actors.space, people)
        again = seed_meetings(actors.space, people)
        meetings = list(actors.space.meetings.order_by("starts_at"))
        past_minutes = Minutes.objects.get(meeting=meetings[0])
        next_agenda = list(meetings[1].agenda.values_list("title", flat=True))
        past_decisions = sum(item.decisions.count() for item in meetings[0].agenda.all())
        next_has_minutes = Minutes.objects.filter(meeting=meetings[1]).exists()
        convened = meetings[1].convened_at is not None
    assert (made, again) == (2, 0)
    assert past_minutes.state == MinutesState.APPROVED
    assert past_minutes.frozen_at is not None
    assert past_decisions == 3
    assert next_agenda[:3] == ["Compte administratif", "Tarifs de la cantine", "Questions diverses"]
    assert next_agenda[3].startswith("Suivi des décisions de la séance du")  # carried over
    assert convened
    assert not next_has_minutes
