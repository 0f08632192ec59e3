"""Request bodies refuse NUL and control characters, once for every view.

PostgreSQL cannot store NUL in text (a `DataError`, hence a 500, wherever such a value reached
a query), and no field of the API takes other C0 control characters: they are refused with a
400 at parsing, before any view or service sees them. Tab, line feed and carriage return stay
allowed (multi-line text). Query parameters get the same
rule in `api.exceptions.ApiErrorMiddleware`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_character(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def control_character_message() -> str:
    return _(
        "Caractère de contrôle refusé (par exemple NUL, \\u0000) : retirez-le du texte envoyé."
    )


def check_no_control_character(value: Any) -> None:
    """Walks a parsed body (dicts, lists, strings, keys included) and refuses a control byte."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_control_character(item):
                raise ParseError(control_character_message())
        elif isinstance(item, Mapping):
            for key in item:
                stack.append(key)
                stack.extend(item.getlist(key) if hasattr(item, "getlist") else [item[key]])
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        check_no_control_character(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        check_no_control_character(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        check_no_control_character(result.data)
        for upload in result.files.values():
            name = getattr(upload, "name", None)
            if name and has_control_character(str(name)):
                raise ParseError(control_character_message())
        return result
