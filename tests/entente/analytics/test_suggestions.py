"""The level in the header and the gentle, dismissable suggestion on the page it concerns."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory

from entente.accounts.models import User
from entente.analytics.models import DismissedSuggestion
from entente.analytics.selectors import suggestion_for
from entente.core.discovery import features
from tenants.models import Tenant


def test_the_header_shows_my_level_linking_to_my_discovery(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    alice = make_user(tenant=tenant_a)
    html = client_for(tenant_a, alice).get("/espaces/").content.decode()
    assert 'class="discovery-level" href="/mon-compte/decouverte/"' in html
    assert "Niveau : Découverte" in html


def test_one_suggestion_on_its_page_until_dismissed_then_never_again(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    alice = make_user(tenant=tenant_a)
    client = client_for(tenant_a, alice)
    html = client.get("/espaces/").content.decode()
    assert html.count('class="discovery-suggestion"') == 1
    assert "Rechercher" in html
    assert "Ne plus me le proposer" in html
    response = client.post("/mon-compte/decouverte/search/masquer/", {"next": "/espaces/"})
    assert (response.status_code, response["Location"]) == (302, "/espaces/")
    assert DismissedSuggestion.objects.filter(user=alice, feature="search").count() == 1
    assert 'class="discovery-suggestion"' not in client.get("/espaces/").content.decode()
    # dismissing twice changes nothing; an unknown feature is a 404; an outside URL is ignored
    again = client.post("/mon-compte/decouverte/search/masquer/", {"next": "https://evil.test/"})
    assert again["Location"] == "/mon-compte/decouverte/"
    assert DismissedSuggestion.objects.filter(user=alice).count() == 1
    assert client.post("/mon-compte/decouverte/nothing/masquer/").status_code == 404


def test_a_stranger_to_the_tenant_dismisses_nothing(
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    bruno = make_user(tenant=tenant_b)
    response = client_for(tenant_a, bruno).post("/mon-compte/decouverte/search/masquer/")
    assert response.status_code in {302, 403, 404}
    assert not DismissedSuggestion.objects.filter(user=bruno).exists()


def test_the_suggestion_is_the_first_feature_not_found_nor_dismissed() -> None:
    on_tasks = [f for f in features() if "tasks:detail" in f.suggest_on]
    assert len(on_tasks) >= 2
    first, second = on_tasks[0], on_tasks[1]
    assert suggestion_for("tasks:detail", set(), set()) == first
    assert suggestion_for("tasks:detail", {first.key}, set()) == second
    assert suggestion_for("tasks:detail", set(), {first.key}) == second
    assert suggestion_for("no:page", set(), set()) is None


class _Form(forms.Form):
    name = forms.CharField()


def test_never_on_a_form_in_error(rf: RequestFactory) -> None:
    from entente.analytics.templatetags.discovery_tags import _form_in_error

    assert _form_in_error(Context({"form": _Form(data={})}))
    assert not _form_in_error(Context({"form": _Form(data={"name": "x"})}))
    assert not _form_in_error(Context({"form": _Form()}))
    request = rf.post("/espaces/")
    html = Template("{% load discovery_tags %}{% discovery_suggestion %}").render(
        RequestContext(request, {})
    )
    assert html.strip() == ""
