"""The OpenAPI states the error answers of every operation, in the API's one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from api.exceptions import error_body

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_every_operation_states_its_error_answers(schema: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in _operations(schema):
        expected = {"400", "401", "403", "404"}
        if method in {"post", "put", "patch"}:
            expected |= {"413", "415"}
        for status in expected - set(operation["responses"]):
            missing.append(f"{method.upper()} {path}: {status}")
    assert missing == []


def test_errors_are_documented_in_the_one_shape(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    assert set(error["properties"]) == set(error_body("x", "y", {})) == {"detail", "code", "errors"}
    for path, method, operation in _operations(schema):
        response = operation["responses"]["404"]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/Error", (method, path)
        assert response["description"], (method, path)


def test_an_attachment_is_documented_as_any_file(schema: dict[str, Any]) -> None:
    """Served with its own type (application/pdf, image/png…), not application/octet-stream."""
    download = schema["paths"]["/api/v1/tasks/{id}/attachments/{attachment_id}/"]["get"]
    assert list(download["responses"]["200"]["content"]) == ["*/*"]
