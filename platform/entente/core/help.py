"""Help in context: one sentence beside each form, and a help page per subject behind it.

Each app registers the subject its forms belong to (`AppConfig.ready`): a title, the sentence
shown beside its forms (`{% form_help "tasks" %}`, entente.core.templatetags.help) and the few
paragraphs of its page under /aide/, readable by everyone on every host (a person who cannot
log in needs help too). The ground floor imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class HelpTopic:
    key: str  # what templates name: {% form_help "tasks" %}
    slug: str  # its address: /aide/<slug>/
    title: Text
    summary: Text  # one sentence: what the forms of this subject are for
    paragraphs: tuple[Text, ...]  # the help page: how, in plain words
    order: int = 100


_topics: dict[str, HelpTopic] = {}


def register_help_topic(topic: HelpTopic) -> None:
    """Add or replace (same key) a subject; idempotent, so `ready()` may run twice."""
    _topics[topic.key] = topic


def help_topics() -> list[HelpTopic]:
    return sorted(_topics.values(), key=lambda topic: (topic.order, topic.key))


def help_topic(key: str) -> HelpTopic:
    """The subject a template names; an unknown name is a programming error, raised."""
    return _topics[key]


def help_topic_by_slug(slug: str) -> HelpTopic | None:
    return next((topic for topic in _topics.values() if topic.slug == slug), None)
