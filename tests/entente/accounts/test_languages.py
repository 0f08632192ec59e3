"""French by default, English on request, the choice kept across subdomains."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from entente.accounts.models import Role
from infra.i18n import catalogue, python_messages, read_po, template_messages, uncollected
from tenants.models import Tenant

from .support import Visitor

CATALOGUE = catalogue("en")
COMPILED = CATALOGUE.with_suffix(".mo")


def choose_english(visitor: Visitor, tenant: Tenant | None, next_url: str = "/") -> None:
    response = visitor.post(tenant, "/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["domain"] == ".entente.localhost"


def test_pages_are_in_french_by_default(tenant_a: Tenant, visitor: Visitor) -> None:
    html = visitor.get(tenant_a, "/comptes/login/").content.decode()

    assert '<html lang="fr">' in html
    assert "<h1>Se connecter</h1>" in html


def test_the_footer_switches_to_english_on_every_subdomain(
    tenant_a: Tenant, tenant_b: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a, role=Role.ELECTED)
    visitor.log_in(tenant_a, anne.email)

    choose_english(visitor, tenant_a)

    home = visitor.get(tenant_a, "/").content.decode()
    assert '<html lang="en">' in home
    assert "Your role: Elected official" in home
    assert "Log out" in home
    assert '<option value="en" lang="en" selected>' in home
    elsewhere = visitor.get(tenant_b, "/")
    assert elsewhere.status_code == 403
    assert "You are not a member of Paulx" in elsewhere.content.decode()


def test_allauth_pages_follow_the_language_too(tenant_a: Tenant, visitor: Visitor) -> None:
    choose_english(visitor, None, "/comptes/login/")

    html = visitor.get(tenant_a, "/comptes/login/").content.decode()

    assert "<h1>Log in</h1>" in html
    assert "Remember Me" in html  # allauth's own string, in its own language
    assert "Need help?" in html


def test_the_switcher_is_a_labelled_form_that_works_without_javascript(
    tenant_a: Tenant, visitor: Visitor
) -> None:
    html = visitor.get(tenant_a, "/comptes/login/").content.decode()

    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert '<label for="language-select">Langue · Language</label>' in html
    assert '<input type="hidden" name="next" value="/comptes/login/">' in html


def test_every_entry_of_the_english_catalogue_is_translated() -> None:
    entries = read_po(CATALOGUE)

    assert len(entries) > 100
    assert [entry.msgid for entry in entries if not entry.translated] == []


def test_every_string_the_product_marks_is_in_the_english_catalogue() -> None:
    """A string added to the code or a template without collecting it would stay French in
    English: collect and translate it (`python -m infra.i18n`, see infra/i18n.py)."""
    missing = uncollected("en")
    assert not missing, "\n".join(f"{where}: {msgid!r}" for (_, msgid), where in missing.items())


# Words a page may show untranslated: the product's name, and the language switcher's label,
# bilingual on purpose (someone lost in the other language must still find it).
UNTRANSLATED_WORDS = {"Entente", "Langue", "Language"}
TEMPLATES = Path(settings.BASE_DIR) / "platform" / "entente" / "templates"
_NOT_PROSE = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}"
    r"|{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}"
    r"|<(script|style|code)\b.*?</\1>|{%.*?%}|{{.*?}}|<[^>]*>|&[a-z#0-9]+;",
    re.S,
)


def test_no_template_shows_words_outside_translation() -> None:
    """Text written straight into a template stays French in English (or English in French):
    every word a page shows goes through `translate` or `blocktranslate`."""
    found = {}
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 100
    for path in templates:
        prose = _NOT_PROSE.sub(" ", path.read_text(encoding="utf-8"))
        words = set(re.findall(r"[^\W\d_][\w'’-]+", prose)) - UNTRANSLATED_WORDS
        if words:
            found[str(path.relative_to(TEMPLATES))] = sorted(words)
    assert found == {}


def test_the_extraction_finds_what_makemessages_finds() -> None:
    """The check above is only as good as its reading of the source: each form is found."""
    code = (
        "from django.utils.translation import gettext as _, ngettext, pgettext_lazy\n"
        "a = _('Un')\nb = ngettext('%(n)s chat', '%(n)s chats', 2)\n"
        "c = pgettext_lazy('mois', 'Mai')\nd = f\"{_('Dans un f-string')}\"\ne = _(variable)\n"
    )
    assert python_messages(code) == {
        (None, "Un"), (None, "%(n)s chat"), ("mois", "Mai"), (None, "Dans un f-string")
    }  # fmt: skip
    page = (
        '{% load i18n %}<h1>{% translate "Titre" %}</h1><p title="{% translate \'Bulle\' %}">'
        "{% blocktranslate count counter=n %}{{ counter }} fichier{% plural %}"
        "{{ counter }} fichiers{% endblocktranslate %}</p>"
        '{% translate "Mai" context "mois" %}'
    )
    assert template_messages(page, "page.html") == {
        (None, "Titre"), (None, "Bulle"), (None, "%(counter)s fichier"), ("mois", "Mai")
    }  # fmt: skip


def test_the_compiled_catalogue_matches_its_source() -> None:
    """django.mo is committed (no gettext needed to serve English): it must not lag django.po."""
    with Path(COMPILED).open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for entry in read_po(CATALOGUE):
        if entry.msgid_plural is not None:
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0]
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr[1]
        elif entry.msgctxt is not None:
            assert catalog.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]
        else:
            assert catalog.gettext(entry.msgid) == entry.msgstr[0], entry.msgid


def test_django_serves_our_english_strings() -> None:
    with translation.override("en"):
        assert translation.gettext("Vous n'êtes pas membre de %(tenant)s.") == (
            "You are not a member of %(tenant)s."
        )
    with translation.override("fr"):
        assert translation.gettext("Se connecter") == "Se connecter"
