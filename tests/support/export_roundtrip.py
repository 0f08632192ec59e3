"""The tenant export's round trip: export, restore into a new tenant, compare.

Equal means: every model section holds the same rows (ids kept, every column; a file field
compared by its file's SHA-256, the stored name differing by the schema), the members and
settings kept in the public schema the same (by e-mail and natural keys), and every file the
manifest lists is in the ZIP with its checksum.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import jsonschema
from django.db import models
from django_tenants.utils import tenant_context

from entente.core.db import connection
from tenants import export
from tenants.models import Tenant


def _rows(tenant: Tenant) -> dict[str, list[dict[str, Any]]]:
    out = {}
    with tenant_context(tenant):
        for name, section in export.sections().items():
            rows = section.export(tenant)
            model = section.model
            fields = model._meta.concrete_fields if model else []
            files = [f for f in fields if isinstance(f, models.FileField)]
            for row in rows:
                if model is None:  # public rows re-made by the restore: their own dates
                    row.pop("created_at", None)
                for f in files:
                    if row.get(f.attname):
                        row[f.attname] = export.sha256_of_stored(row[f.attname])
            out[name] = json.loads(export._dump(rows))
    connection.set_schema_to_public()
    return out


def assert_round_trip(tenant: Tenant, *, slug: str = "copie-export") -> dict[str, int]:
    """Export `tenant`, restore it as `slug`, assert equality; returns the rows per section."""
    data = export.build_archive(tenant)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    schema = json.loads(archive.read(manifest["schema"]))
    document = {name: json.loads(archive.read(name)) for name in schema["properties"]}
    jsonschema.validate(document, schema)
    for entry in manifest["attachments"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    before = _rows(tenant)
    report = export.restore_archive(io.BytesIO(data), slug=slug, name=f"{tenant.name} (copie)")
    # The copy goes with the test's transaction (schema included): nothing to drop here.
    after = _rows(report.tenant)
    assert report.people_created == 0
    for name in before:
        if after[name] != before[name]:
            lost = [row for row in before[name] if row not in after[name]][:3]
            gained = [row for row in after[name] if row not in before[name]][:3]
            raise AssertionError(f"{name} differs after the restore: {lost} became {gained}")
    return {name: len(rows) for name, rows in before.items()}
