"""Documents: upload and download throughput of a large file against a plain copy on the same
disk, and a folder of 10,000 files listed (median and p95).

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/documents.py                       # 50 MB, 10,000 files
    .venv/bin/python benchmarks/documents.py --size-mb 200 --files 20000 --runs 5 --keep

It creates its own database (`bench_documents`), migrates it, provisions one commune with one
space, and drops the database at the end (`--keep` keeps it). Files go to a directory of their
own under `.data/` (MEDIA_ROOT for the run), removed at the end, so the plain copy it is
compared with writes to the same disk.

Measured, in one process, `--runs` times each:
- upload: `POST /documents/dossiers/<id>/deposer/` through Django's test client (multipart
  parsing, the temporary upload file, the content sniffing, SHA-256, the storage write, the
  rows, the activity entry), against `shutil.copyfile` of the same file plus its SHA-256 (what
  any upload must at least do: write the bytes once and read them once);
- download: `GET /documents/versions/<id>/?telecharger=1`, the body read to the end, against
  reading the stored file;
- listing: `GET /documents/dossiers/<id>/` (the page: its first 200 files) and
  `GET /api/v1/spaces/<id>/documents/folders/<id>/` (the first 500 files, and the count) on a
  folder of `--files` files, made with bulk inserts (their storage names point at one real file).
The test client keeps the whole request body in memory: the upload figure includes building
it, which a real client does on its own side, so the ratio is pessimistic for us.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    load_average,
    maintenance_conninfo,
    p95,
    print_conditions,
    server_version,
    throwaway_database,
    use_embedded_database,
)

DB_NAME = "bench_documents"
MB = 1024 * 1024


def make_source(directory: Path, size: int) -> Path:
    """A PDF-looking file of `size` bytes (a PDF header, then random bytes)."""
    path = directory / "source.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        remaining = size - 9
        while remaining > 0:
            chunk = os.urandom(min(remaining, 4 * MB))
            handle.write(chunk)
            remaining -= len(chunk)
    return path


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return timings


def plain_copy(source: Path, directory: Path) -> None:
    target = directory / "copie.pdf"
    shutil.copyfile(source, target)
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        for chunk in iter(lambda: handle.read(MB), b""):
            digest.update(chunk)
    target.unlink()


def plain_read(path: Path) -> None:
    with path.open("rb") as handle:
        while handle.read(MB):
            pass


def setup_world() -> dict[str, Any]:
    from django_tenants.utils import tenant_context

    from entente.accounts.actors import FIXTURES
    from entente.accounts.models import Membership, Role, User
    from entente.accounts.services import add_member
    from entente.documents.selectors import tree_root
    from entente.spaces.services import create_space
    from tenants.models import TenantKind
    from tenants.provisioning import create_tenant
    from tenants.template import ensure_template

    ensure_template()
    tenant = create_tenant(name="Mesureville", kind=TenantKind.COMMUNE, official_code="99001")
    person = User.objects.create_user("agent@mesure.test", "mot-de-passe-solide-42")
    add_member(tenant, person, Role.ADMIN)
    membership = Membership.objects.select_related("tenant", "user").get(tenant=tenant, user=person)
    with tenant_context(tenant):
        space = create_space(FIXTURES.on_behalf_of(person), name="Services techniques")
        root = tree_root(space)
    return {
        "tenant": tenant,
        "person": person,
        "membership": membership,
        "space": space,
        "root": root,
    }


def fill_folder(world: dict[str, Any], count: int, stored_name: str) -> Any:
    """A folder of `count` files (one version each), by bulk inserts."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from entente.documents import services
    from entente.documents.models import Document, Version

    with tenant_context(world["tenant"]):
        folder = services.create_folder(
            membership=world["membership"], parent=world["root"], name="Archives numérisées"
        )
        documents = Document.objects.bulk_create(
            Document(folder=folder, name=f"Délibération {n:05d}.pdf", created_by=world["person"])
            for n in range(count)
        )
        versions = Version.objects.bulk_create(
            Version(
                document=document,
                number=1,
                file=stored_name,
                size=1234,
                sha256="0" * 64,
                content_type="application/pdf",
                author=world["person"],
            )
            for document in documents
        )
        for document, version in zip(documents, versions, strict=True):
            document.current = version
        Document.objects.bulk_update(documents, ["current"], batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return folder


def line(label: str, timings: list[float], size: int | None = None) -> str:
    median, high = statistics.median(timings), p95(timings)
    text = f"  {label:<48} median {median * 1000:9.1f} ms   p95 {high * 1000:9.1f} ms"
    if size is not None:
        text += f"   {size / MB / median:8.1f} MB/s"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=50, help="size of the large file")
    parser.add_argument("--files", type=int, default=10_000, help="files in the listed folder")
    parser.add_argument("--runs", type=int, default=5, help="uploads and downloads")
    parser.add_argument("--list-runs", type=int, default=30, help="listings of the folder")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    size = args.size_mb * MB

    url = use_embedded_database(DB_NAME, "bench-documents", "entente.config.settings.test")
    (ROOT / ".data").mkdir(exist_ok=True)
    media = Path(tempfile.mkdtemp(prefix="bench-documents-", dir=ROOT / ".data"))
    try:
        with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
            import django

            django.setup()
            from django.conf import settings
            from django.core.management import call_command
            from django.test import Client
            from django_tenants.utils import tenant_context

            from entente.documents.models import Version

            settings.MEDIA_ROOT = str(media / "media")
            settings.ENTENTE_DOCUMENTS_MAX_BYTES = size + MB
            call_command("migrate", verbosity=0, interactive=False)
            world = setup_world()
            source = make_source(media, size)
            client = Client(HTTP_HOST=world["tenant"].primary_host)
            client.force_login(world["person"])
            upload_url = f"/documents/dossiers/{world['root'].pk}/deposer/"

            def upload() -> None:
                with source.open("rb") as handle:
                    response = client.post(
                        upload_url, {"files": handle, "on_conflict": "new_version"}
                    )
                if response.status_code != 302:
                    raise SystemExit(f"upload answered {response.status_code}")

            uploads = timed(upload, args.runs)
            copies = timed(lambda: plain_copy(source, media), args.runs)
            with tenant_context(world["tenant"]):
                version = Version.objects.order_by("-pk").first()
                if version is None or version.size != size:
                    raise SystemExit("the uploaded version is missing or of the wrong size")
                stored = Path(version.file.path)

            def download() -> None:
                response = client.get(f"/documents/versions/{version.pk}/?telecharger=1")
                if response.status_code != 200:
                    raise SystemExit(f"download answered {response.status_code}")
                for _chunk in response.streaming_content:  # type: ignore[attr-defined]
                    pass

            downloads = timed(download, args.runs)
            reads = timed(lambda: plain_read(stored), args.runs)

            t0 = time.perf_counter()
            folder = fill_folder(world, args.files, str(version.file.name))
            filled = time.perf_counter() - t0
            page_url = f"/documents/dossiers/{folder.pk}/"
            api_url = f"/api/v1/spaces/{world['space'].pk}/documents/folders/{folder.pk}/"
            for path in (page_url, api_url):
                client.get(path)  # warm-up
            pages = timed(lambda: client.get(page_url), args.list_runs)
            apis = timed(lambda: client.get(api_url), args.list_runs)
            listed = len(client.get(api_url).json()["files"])

            print_conditions(
                f"PostgreSQL {server_version()}, files under {media} (same disk as the copy)",
                f"large file {args.size_mb} MB, {args.runs} runs; folder of {args.files} files "
                f"(filled in {filled:.1f} s), {args.list_runs} listings",
                distributions=("Django", "djangorestframework", "pypdf"),
            )
            print("\nLarge file")
            print(line("upload (test client, multipart → storage)", uploads, size))
            print(line("plain copy + SHA-256 (shutil.copyfile)", copies, size))
            print(line("download (test client, body read)", downloads, size))
            print(line("plain read of the stored file", reads, size))
            up_ratio = statistics.median(uploads) / statistics.median(copies)
            down_ratio = statistics.median(downloads) / statistics.median(reads)
            print(
                f"  ratio upload / plain copy: {up_ratio:.2f}   download / read: {down_ratio:.2f}"
            )
            print(f"\nFolder of {args.files} files")
            print(line("page /documents/dossiers/<id>/ (first 200)", pages))
            print(line(f"API folder detail ({listed} of {args.files} files)", apis))
            print(f"\nLoad average at the end: {load_average()}")
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
