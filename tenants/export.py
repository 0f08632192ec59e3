"""The tenant export: a ZIP of JSON files, one per registered section, that a restore re-imports.

Each app that holds a tenant's content adds an `exports.py` module that registers its
sections; they are found like Django admin's `admin.py` (autodiscovery on first use), so
`tenants` imports no capability app and a new app is exported by adding one file:

    from tenants.export import exclude, register_models
    register_models("meetings", Meeting)          # meetings.json, restored as it was
    exclude(FeedToken, "secret: the person makes a new one")

`register_models` covers a model of the tenant's schema: every concrete column, ids kept, each
file field's file in the ZIP (`files/<section>/<id>-<field>`, named by the row's
`<field>_archive_path`, or `archive_path` for a field named `file`) with its SHA-256; the
restore inserts the rows as they were (people mapped by e-mail) and stores the files again
under the new schema. `register(name, exporter, restorer=…)` is for the rest (the members
and settings kept in the public schema). Every model of a tenant app is either registered or
excluded with a reason (`tests/tenants/test_export.py` checks it).

The ZIP holds `manifest.json` (format, tenant, sections with their row counts, files with
their checksums), `schema.json` (a JSON Schema of every section, draft 2020-12) and
`people.json` (every person a row names: id, e-mail, name), which the restore uses to map
people. Exporters run inside the tenant's schema and only read: the export works in a
read-only tenant. The registry lives with the tenant's lifecycle (beside `backup.py`, the
operators' byte-exact backup) rather than in `entente.core`, which never imports `tenants`.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tenants.utils import schema_context, tenant_context

from entente.core.db import connection

from .models import MfaPolicy, Tenant

FORMAT = 2
SCHEMA_FILE = "schema.json"
PEOPLE_FILE = "people.json"

Exporter = Callable[[Tenant], list[dict[str, Any]]]
# Files (documents' versions): (path inside the ZIP, under files/<name>/; name in the storage).
FileLister = Callable[[Tenant], Iterable[tuple[str, str]]]


@dataclass
class RestoreContext:
    """What a restorer needs: the new tenant, people by their id in the archive, the files."""

    tenant: Tenant
    old_schema: str
    archive: zipfile.ZipFile
    people: dict[int, int] = field(default_factory=dict)

    def person(self, old_id: int) -> int:
        return self.people.get(int(old_id), int(old_id))

    def person_or_none(self, old_id: int | None) -> int | None:
        return None if old_id is None else self.person(old_id)

    def read(self, path: str) -> bytes:
        return self.archive.read(path)


Restorer = Callable[[RestoreContext, list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Section:
    name: str
    export: Exporter
    restore: Restorer | None = None
    model: type[models.Model] | None = None
    json_schema: dict[str, Any] | None = None
    # Columns naming a person, for people.json, the restore's mapping and a person's own export.
    person_fields: tuple[str, ...] = ()


_sections: dict[str, Section] = {}
_file_listers: dict[str, FileLister] = {}
_excluded: dict[str, str] = {}
_discovered = False


def register(
    name: str,
    exporter: Exporter,
    restorer: Restorer | None = None,
    *,
    json_schema: dict[str, Any] | None = None,
    person_fields: tuple[str, ...] = (),
) -> None:
    """Add `<name>.json` to every export: the rows `exporter(tenant)` returns; `restorer`
    writes them back into a new tenant (inside its schema, in the restore's transaction)."""
    section = Section(name, exporter, restorer, None, json_schema, person_fields)
    _add(section)


def _add(section: Section) -> None:
    known = _sections.get(section.name)
    if known is not None and known.export is not section.export and known.model is None:
        raise ValueError(f"Two exporters are named {section.name!r}.")
    if known is not None and known.model is not None and known.model is not section.model:
        raise ValueError(f"Two exporters are named {section.name!r}.")
    _sections[section.name] = section


def register_files(name: str, lister: FileLister) -> None:
    """Add the files `lister(tenant)` names to every export, under `files/<name>/` (files
    outside a model's file field; those of `register_models` need nothing more)."""
    if name in _file_listers and _file_listers[name] is not lister:
        raise ValueError(f"Two file listers are named {name!r}.")
    _file_listers[name] = lister


def exclude(model: type[models.Model], reason: str) -> None:
    """A model of a tenant app that the export leaves out on purpose, and why."""
    _excluded[model._meta.label] = reason


def register_models(name: str, model: type[models.Model], *, order_by: str = "pk") -> None:
    """Export and restore `model` (a tenant-schema model) as `<name>.json`, generically."""
    _add(
        Section(
            name,
            _model_exporter(model, name, order_by),
            _model_restorer(model, name),
            model,
            model_json_schema(model),
            tuple(f.attname for f in _person_fields(model)),
        )
    )


def sections() -> dict[str, Section]:
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True
    return dict(sorted(_sections.items()))


def exporters() -> dict[str, Exporter]:
    return {name: section.export for name, section in sections().items()}


def file_listers() -> dict[str, FileLister]:
    sections()  # the same autodiscovery
    return dict(sorted(_file_listers.items()))


def excluded() -> dict[str, str]:
    sections()
    return dict(_excluded)


# -- Generic sections: a model's rows ------------------------------------------------------


def _is_person(f: models.Field[Any, Any]) -> bool:
    user_model = get_user_model()
    return bool(f.is_relation and f.related_model is user_model)


def _person_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if _is_person(f)]


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def archive_key(f: models.Field[Any, Any]) -> str:
    return "archive_path" if f.name == "file" else f"{f.name}_archive_path"


def _archive_path(section: str, pk: Any, f: models.Field[Any, Any]) -> str:
    return f"files/{section}/{pk}-{f.name}"


def _model_exporter(model: type[models.Model], name: str, order_by: str) -> Exporter:
    columns = [f.attname for f in model._meta.concrete_fields]
    files = _file_fields(model)
    pk = model._meta.pk.attname

    def export(tenant: Tenant) -> list[dict[str, Any]]:
        rows = [dict(row) for row in model._default_manager.order_by(order_by).values(*columns)]
        for row in rows:
            for f in files:
                if row.get(f.attname):
                    row[archive_key(f)] = _archive_path(name, row[pk], f)
        return rows

    return export


def _new_file_name(stored: str, old_schema: str, new_schema: str) -> str:
    parts = stored.split("/")
    return "/".join(new_schema if part == old_schema else part for part in parts)


def _model_restorer(model: type[models.Model], name: str) -> Restorer:
    concrete = list(model._meta.concrete_fields)
    person = {f.attname for f in _person_fields(model)}
    files = {f.attname: f for f in _file_fields(model)}
    table = model._meta.db_table

    def restore(context: RestoreContext, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        from psycopg.types.json import Jsonb

        columns = [f for f in concrete if f.attname in rows[0]]
        values = []
        for row in rows:
            line = []
            for f in columns:
                value = row.get(f.attname)
                if f.attname in person:
                    value = context.person_or_none(value)
                elif f.attname in files and value:
                    content = context.read(row[archive_key(f)])
                    target = _new_file_name(value, context.old_schema, context.tenant.schema_name)
                    value = files[f.attname].storage.save(target, ContentFile(content))
                elif isinstance(f, models.JSONField) and value is not None:
                    value = Jsonb(value)
                line.append(value)
            values.append(line)
        names = ", ".join(_quote(str(f.column)) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                values,
            )

    return restore


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


_JSON_TYPES: list[tuple[type[models.Field[Any, Any]], dict[str, Any]]] = [
    (models.BooleanField, {"type": "boolean"}),
    (models.DateTimeField, {"type": "string", "format": "date-time"}),
    (models.DateField, {"type": "string", "format": "date"}),
    (models.TimeField, {"type": "string", "format": "time"}),
    (models.DurationField, {"type": "string"}),
    (models.DecimalField, {"type": "string"}),
    (models.UUIDField, {"type": "string", "format": "uuid"}),
    (models.FloatField, {"type": "number"}),
    (models.AutoField, {"type": "integer"}),
    (models.BigAutoField, {"type": "integer"}),
    (models.IntegerField, {"type": "integer"}),
    (models.FileField, {"type": "string"}),
    (models.CharField, {"type": "string"}),
    (models.TextField, {"type": "string"}),
    (models.JSONField, {}),
]


def _field_schema(f: models.Field[Any, Any]) -> dict[str, Any]:
    target = f.target_field if f.is_relation else f  # type: ignore[attr-defined]
    schema: dict[str, Any] = {"type": "array"} if target.get_internal_type() == "ArrayField" else {}
    if not schema:
        for kind, described in _JSON_TYPES:
            if isinstance(target, kind):
                schema = dict(described)
                break
    if f.null and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    description = str(f.verbose_name)
    if f.is_relation:
        description += f" → {f.related_model._meta.label}"  # type: ignore[union-attr]
    schema["description"] = description
    return schema


def model_json_schema(model: type[models.Model]) -> dict[str, Any]:
    properties = {f.attname: _field_schema(f) for f in model._meta.concrete_fields}
    for f in _file_fields(model):
        properties[archive_key(f)] = {"type": "string", "description": "chemin dans le ZIP"}
    return {
        "type": "array",
        "description": str(model._meta.verbose_name_plural),
        "items": {
            "type": "object",
            "properties": properties,
            "required": [f.attname for f in model._meta.concrete_fields],
        },
    }


def archive_json_schema() -> dict[str, Any]:
    any_rows = {"type": "array", "items": {"type": "object"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Export d'une collectivité Entente",
        "type": "object",
        "description": "Chaque propriété est un fichier <nom>.json du ZIP.",
        "properties": {
            f"{name}.json": section.json_schema or any_rows for name, section in sections().items()
        }
        | {
            PEOPLE_FILE: {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "email": {"type": "string"},
                        "full_name": {"type": "string"},
                    },
                    "required": ["id", "email", "full_name"],
                },
            }
        },
    }


# -- The archive ---------------------------------------------------------------------------


def _sha256_of(stored: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(stored, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_into(archive: zipfile.ZipFile, stored: str, inside: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(stored, "rb") as source, archive.open(inside, "w") as target:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            target.write(block)
    return digest.hexdigest()


def write_archive(tenant: Tenant, out: IO[bytes]) -> dict[str, Any]:
    """Write the tenant's export as a ZIP into `out`; returns its manifest."""
    from . import signals

    listed: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    person_ids: set[int] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with tenant_context(tenant):
            for name, section in sections().items():
                rows = section.export(tenant)
                if section.model is not None:
                    for f in _file_fields(section.model):
                        for row in rows:
                            if row.get(f.attname):
                                checksum = _copy_into(archive, row[f.attname], row[archive_key(f)])
                                files.append({"path": row[archive_key(f)], "sha256": checksum})
                for row in rows:
                    person_ids.update(int(row[p]) for p in section.person_fields if row.get(p))
                archive.writestr(f"{name}.json", _dump(rows))
                listed.append({"file": f"{name}.json", "rows": len(rows)})
            for name, lister in file_listers().items():
                count = 0
                for inside, stored in lister(tenant):
                    path = f"files/{name}/{inside}"
                    files.append({"path": path, "sha256": _copy_into(archive, stored, path)})
                    count += 1
                listed.append({"file": f"files/{name}/", "files": count})
        people = [
            {"id": pk, "email": email, "full_name": full_name}
            for pk, email, full_name in get_user_model()
            .objects.filter(pk__in=person_ids)
            .order_by("pk")
            .values_list("pk", "email", "full_name")
        ]
        archive.writestr(PEOPLE_FILE, _dump(people))
        archive.writestr(SCHEMA_FILE, _dump(archive_json_schema()))
        manifest = {
            "format": FORMAT,
            "tenant": {
                "name": tenant.name,
                "slug": tenant.slug,
                "kind": tenant.kind,
                "mfa_required_for": tenant.mfa_required_for,  # its two-factor rule
            },
            "schema_name": tenant.schema_name,
            "settings": signals.exported_settings(tenant),  # kept by apps (SAML directory)
            "exported_at": timezone.now(),
            "schema": SCHEMA_FILE,
            "people": PEOPLE_FILE,
            "files": listed,
            "attachments": files,
        }
        archive.writestr("manifest.json", _dump(manifest))
    result: dict[str, Any] = json.loads(_dump(manifest))
    return result


def build_archive(tenant: Tenant) -> bytes:
    """The whole export in memory (the console's download; `write_archive` streams to a file)."""
    buffer = io.BytesIO()
    write_archive(tenant, buffer)
    return buffer.getvalue()


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to the millisecond: a restore would then differ
    from what was exported. ISO 8601 with every microsecond, and `Z` for UTC as Django writes."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def _dump(data: Any) -> str:
    return json.dumps(data, cls=ExactJSONEncoder, ensure_ascii=False, indent=2)


# -- The restore ---------------------------------------------------------------------------


class ExportImportError(RuntimeError):
    pass


@dataclass
class ImportReport:
    tenant: Tenant
    rows: dict[str, int]
    files: int
    people_created: int


def _map_people(people: list[dict[str, Any]]) -> tuple[dict[int, int], int]:
    """Archive person id → this platform's person, found by e-mail or made (inactive)."""
    user_model = get_user_model()
    found = {
        user.email.lower(): user.pk
        for user in user_model.objects.filter(email__in=[p["email"] for p in people])
    }
    mapping, created = {}, 0
    for person in people:
        pk = found.get(person["email"].lower())
        if pk is None:
            user = user_model.objects.create_user(
                person["email"], None, full_name=person["full_name"], is_active=False
            )
            pk, created = user.pk, created + 1
        mapping[int(person["id"])] = pk
    return mapping, created


def restore_archive(source: Path | IO[bytes], *, slug: str, name: str) -> ImportReport:
    """Re-import an export into a new tenant `slug` (provisioned here; refused if it exists)."""
    from . import provisioning, signals

    if Tenant.objects.filter(slug=slug).exists():
        raise ExportImportError(f"a tenant {slug!r} exists already")
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ExportImportError(f"unknown export format {manifest.get('format')!r}")
        kind = manifest["tenant"]["kind"]
        tenant = provisioning.create_tenant(
            name=name, kind=kind, official_code=f"R{slug}"[:16], slug=slug
        )
        policy = manifest["tenant"].get("mfa_required_for", MfaPolicy.NOBODY)  # older: none
        if policy in MfaPolicy.values and policy != tenant.mfa_required_for:
            tenant.mfa_required_for = policy
            tenant.save(update_fields=["mfa_required_for"])
        rows: dict[str, int] = {}
        with transaction.atomic():
            people, created = _map_people(json.loads(archive.read(PEOPLE_FILE)))
            context = RestoreContext(tenant, manifest["schema_name"], archive, people)
            present = {entry["file"] for entry in manifest["files"]}
            with schema_context(tenant.schema_name):
                _empty_tenant_tables()
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for section_name, section in sections().items():
                    if f"{section_name}.json" not in present or section.restore is None:
                        continue
                    data = json.loads(archive.read(f"{section_name}.json"))
                    section.restore(context, data)
                    rows[section_name] = len(data)
                _reset_sequences(tenant.schema_name)
        files = sum(1 for entry in manifest.get("attachments", []))
    connection.set_schema_to_public()
    signals.tenant_restored.send(
        sender=Tenant, tenant=tenant, settings=manifest.get("settings") or {}
    )
    return ImportReport(tenant, rows, files, created)


def _empty_tenant_tables() -> None:
    """A new tenant's schema may hold what provisioning wrote (a first space…): the archive's
    rows replace it."""
    tables = sorted(
        section.model._meta.db_table
        for section in sections().values()
        if section.model is not None and section.restore is not None
    )
    if tables:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(_quote(t) for t in tables)} CASCADE")


def _reset_sequences(schema: str) -> None:
    from .backup import _reset_sequences as reset

    reset(schema)


def rows_by_person(
    person_id: int,
) -> Iterator[tuple[Section, list[dict[str, Any]]]]:
    """In the current tenant schema: each model section's rows that name this person."""
    for section in sections().values():
        if section.model is None or not section.person_fields:
            continue
        query = models.Q()
        for attname in section.person_fields:
            query |= models.Q(**{attname: person_id})
        columns = [f.attname for f in section.model._meta.concrete_fields]
        rows = [dict(r) for r in section.model._default_manager.filter(query).values(*columns)]
        if rows:
            yield section, rows


def sha256_of_stored(stored: str) -> str:
    return _sha256_of(stored)


def files_of(section: Section, rows: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(path inside a ZIP, name in the storage) of the files these rows of `section` name."""
    if section.model is None:
        return
    pk = section.model._meta.pk.attname
    for f in _file_fields(section.model):
        for row in rows:
            if row.get(f.attname):
                yield _archive_path(section.name, row[pk], f), row[f.attname]


def stored(section: Section) -> list[str]:
    """In the current tenant schema: every stored file the section's model names."""
    if section.model is None:
        return []
    return [
        name
        for f in _file_fields(section.model)
        for name in section.model._default_manager.exclude(**{f.attname: ""}).values_list(
            f.attname, flat=True
        )
    ]
