"""The OpenAPI states every answer an operation gives, not only its success.

`ErrorDocumentingAutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds to each operation the
error answers the API's machinery gives it, all in the one shape of `api.exceptions` (the
`Error` component):

- 400 to every operation: any query parameter with a control character is refused
  (`api.exceptions.ApiErrorMiddleware`), and bodies are validated;
- 401 and 403 to every operation behind a permission (all of them: `IsTenantMember`);
- 404 to every operation: a space or object one may not see answers as one that does not exist,
  and so does an unknown collectivité;
- 413 and 415 to operations with a body (a body over DATA_UPLOAD_MAX_MEMORY_SIZE that is not
  a file upload; a media type the view does not parse);
- 429 to operations of a view with throttles; 409 to the writes of views that declare
  `conflict_statuses` (a name or a member already there: `entente.core.errors.DUPLICATE`).

Bodies are documented in JSON only (what clients send; form posts still work, undocumented),
but for views that parse files (attachments: multipart). Request components are split from
response ones (`TaskRequest`…), so that write rules show (a non-blank string has
`minLength: 1`), and `control_characters_refused` (a postprocessing hook) gives every string of
a request and every string parameter the pattern `api.parsers` enforces: no NUL or other C0
control character.

Cross-field rules are in each serializer's docstring (drf-spectacular makes it the component's
description) or in `help_text`, so that a client generated from the schema knows them too;
where JSON Schema can state one, the serializer's `request_schema_rules` adds it to its request
component (a step's assignee: a person or a role, not both).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .exceptions import status_message
from .parsers import CONTROL_CHARACTERS

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JSON = "application/json"
# The negation of api.parsers.CONTROL_CHARACTERS (a character class), as an OpenAPI pattern.
NO_CONTROL_CHARACTER = f"^[^{CONTROL_CHARACTERS.pattern[1:-1]}]*$"


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error of the API. `detail` can be shown as is (French); `code` is for programs;
    `errors` comes with a 400 for invalid data: field → messages (`non_field_errors` for the
    request as a whole; a nested list keeps its shape, one object per item)."""

    detail = serializers.CharField(help_text="Message en français, à afficher tel quel.")
    code = serializers.CharField(
        help_text="Code stable : invalid, not_authenticated, permission_denied, not_found…"
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field (popped by the metaclass), not .errors
        child=serializers.JSONField(),
        required=False,
        help_text="Pour une donnée invalide (400) : les messages, champ par champ.",
    )

    class Meta:
        ref_name = "Error"


class ErrorDocumentingAutoSchema(AutoSchema):
    def map_parsers(self) -> list[Any]:
        media_types: list[Any] = super().map_parsers()
        return [JSON] if JSON in media_types else media_types

    def error_statuses(self) -> list[int]:
        statuses = [400, 404]
        if self.view.get_permissions():
            statuses += [401, 403]
        if self.method in BODY_METHODS:
            statuses += [413, 415]
            statuses += list(getattr(self.view, "conflict_statuses", ()))
        if self.view.get_throttles():
            statuses.append(429)
        return sorted(set(statuses))

    def _map_serializer(
        self, serializer: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        """A serializer's cross-field rule that JSON Schema can state (`request_schema_rules`)
        joins its request component, so that generated valid data keeps it."""
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        rules = getattr(serializer, "request_schema_rules", None)
        if rules and direction == "request":
            schema.update(rules)
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self.error_statuses():
            if "content" in responses.get(str(status), {}):
                continue  # the view documented this answer itself
            message, _code = status_message(status)
            responses[str(status)] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=message),
                str(status),
                media_types=["application/json"],
                direction=direction,
            )
        return responses


def _refuse_control_characters(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"enum", "format", "pattern"} & set(node):
            node["pattern"] = NO_CONTROL_CHARACTER
        for value in node.values():
            _refuse_control_characters(value)
    elif isinstance(node, list):
        for value in node:
            _refuse_control_characters(value)


def control_characters_refused(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Request components and parameters state what api.parsers, ApiErrorMiddleware and
    api.fields refuse: control characters, and keys that are not fields of the body."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _refuse_control_characters(component)
            if component.get("type") == "object" and "properties" in component:
                component.setdefault("additionalProperties", False)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    _refuse_control_characters(parameter.get("schema"))
    return result
