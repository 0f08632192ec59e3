"""Accessible form fields: each input names its hint and its error (RGAA 11.10, WCAG 3.3.1).

Django already sets `aria-invalid` and points `aria-describedby` at the help text; the error
message needs the same link so that a screen reader reads it when the field takes focus.
"""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


def error_id(field: BoundField) -> str:
    return f"{field.auto_id}_error"


def help_id(field: BoundField) -> str:
    return f"{field.auto_id}_helptext"


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The field's input, described by its help text and its error message when it has them."""
    described_by = []
    if field.help_text:
        described_by.append(help_id(field))
    if field.errors:
        described_by.append(error_id(field))
    # No placeholder: the label says it already, and text in an empty box looks filled in.
    attrs: dict[str, str | bool] = {"placeholder": False}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def error_count(form: forms.BaseForm) -> int:
    """How many messages the form shows (a field may have several)."""
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def field_error_id(field: BoundField) -> str:
    return error_id(field)


@register.filter
def field_help_id(field: BoundField) -> str:
    return help_id(field)
