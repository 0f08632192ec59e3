"""`{% form_help "tasks" %}`: the sentence that says what a form is for, and its help page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from entente.core.help import help_topic

register = template.Library()


@register.inclusion_tag("includes/form_help.html")
def form_help(key: str) -> dict[str, Any]:
    topic = help_topic(key)
    return {"topic": topic, "href": reverse("help:topic", kwargs={"slug": topic.slug})}
