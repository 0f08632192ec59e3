"""The tenant export: a ZIP of JSON files, one per registered exporter.

Each app that holds a tenant's content adds an `exports.py` module that calls `register()`;
they are found like Django admin's `admin.py` (autodiscovery on first use), so `tenants`
imports no capability app and a new app is exported by adding one file. The registry lives
with the tenant's lifecycle (beside `backup.py`) rather than in `entente.core`, which never
imports `tenants`. Exporters run inside the tenant's schema and only read: the export works in
a read-only tenant.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tenants.utils import tenant_context

from .models import Tenant

Exporter = Callable[[Tenant], list[dict[str, Any]]]
# Files (documents' versions): (path inside the ZIP, under files/<name>/; name in the storage).
FileLister = Callable[[Tenant], Iterable[tuple[str, str]]]

_exporters: dict[str, Exporter] = {}
_file_listers: dict[str, FileLister] = {}
_discovered = False


def register(name: str, exporter: Exporter) -> None:
    """Add `<name>.json` to every export: the list of rows `exporter(tenant)` returns."""
    if name in _exporters and _exporters[name] is not exporter:
        raise ValueError(f"Two exporters are named {name!r}.")
    _exporters[name] = exporter


def register_files(name: str, lister: FileLister) -> None:
    """Add the files `lister(tenant)` names to every export, under `files/<name>/`."""
    if name in _file_listers and _file_listers[name] is not lister:
        raise ValueError(f"Two file listers are named {name!r}.")
    _file_listers[name] = lister


def file_listers() -> dict[str, FileLister]:
    exporters()  # the same autodiscovery
    return dict(sorted(_file_listers.items()))


def exporters() -> dict[str, Exporter]:
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True
    return dict(sorted(_exporters.items()))


def build_archive(tenant: Tenant) -> bytes:
    """The whole export in memory (fine for today's volumes; stream it once files arrive)."""
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with tenant_context(tenant):
            for name, exporter in exporters().items():
                rows = exporter(tenant)
                archive.writestr(f"{name}.json", _dump(rows))
                files.append({"file": f"{name}.json", "rows": len(rows)})
            for name, lister in file_listers().items():
                count = 0
                for inside, stored in lister(tenant):
                    with (
                        default_storage.open(stored, "rb") as source,
                        archive.open(f"files/{name}/{inside}", "w") as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
                    count += 1
                files.append({"file": f"files/{name}/", "files": count})
        manifest = {
            "tenant": {"name": tenant.name, "slug": tenant.slug, "kind": tenant.kind},
            "exported_at": timezone.now(),
            "format": 1,
            "files": files,
        }
        archive.writestr("manifest.json", _dump(manifest))
    return buffer.getvalue()


def _dump(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
