"""The OpenAPI schema is served, valid, and generated without warnings; the docs are served locally."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema


def test_schema_generates_without_warnings_and_validates(tmp_path, capsys):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    validate_schema(schema)
    assert schema["info"]["title"] == "Anze API"
    assert any(path.startswith("/api/") for path in schema["paths"])


@pytest.mark.django_db
def test_schema_endpoint_needs_a_signed_in_user(client, alice):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(alice)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    validate_schema(response.json())


@pytest.mark.django_db
def test_swagger_ui_assets_are_served_locally(client, alice):
    client.force_login(alice)
    response = client.get("/api/docs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist" in body
    assert "cdn." not in body and "unpkg" not in body and "jsdelivr" not in body
