"""« Mes adresses de réception », per actor: one's own address, and the default space."""

from __future__ import annotations

import pytest

from entente.mailin.models import InboundAddress
from tests.support.actors import ACTORS, SpaceActors

PAGE = "/adresses-de-reception/"


@pytest.mark.parametrize("actor", ACTORS)
def test_the_page_shows_only_ones_own_and_editable_spaces_addresses(
    actors: SpaceActors, actor: str
) -> None:
    response = actors.client(actor).get(PAGE)
    if actor == "anonymous":
        assert response.status_code == 302
        assert "/comptes/login/" in response["Location"]
        assert not InboundAddress.objects.exists()
        return
    if actor in {"outsider", "guest"}:
        # Citizens create no task: the page refuses them, as the menus (which hide it) say.
        assert response.status_code == 403
        assert not InboundAddress.objects.exists()
        return
    assert response.status_code == 200
    mine = InboundAddress.objects.get(tenant=actors.tenant, user=actors.people[actor])
    html = response.content.decode()
    assert mine.email in html
    space_address = InboundAddress.objects.filter(tenant=actors.tenant, space_id=actors.space.pk)
    can_edit = actor in {"editor", "admin"}
    assert space_address.exists() == can_edit
    if can_edit:
        assert space_address.get().email in html


@pytest.mark.parametrize("actor", ["editor", "reader", "staff"])
def test_choosing_a_default_space_requires_editing_it(actors: SpaceActors, actor: str) -> None:
    client = actors.client(actor)
    response = client.post(PAGE, {"default_space": str(actors.space.pk)})
    assert response.status_code == 302
    address = InboundAddress.objects.get(tenant=actors.tenant, user=actors.people[actor])
    expected = actors.space.pk if actor == "editor" else None
    assert address.default_space_id == expected


def test_renewing_replaces_the_token(actors: SpaceActors) -> None:
    client = actors.client("editor")
    client.get(PAGE)
    before = InboundAddress.objects.get(user=actors.people["editor"]).token
    assert client.post(PAGE, {"action": "renew"}).status_code == 302
    assert InboundAddress.objects.get(user=actors.people["editor"]).token != before
