"""Demo documents (`seed_demo` calls `seed_documents` inside the tenant's context).

Each space gets a small tree of the files a town hall really shares: council minutes, a public
procurement file with two versions, a road works schedule. The files are tiny PDFs and text
written here (nothing fetched). Idempotent: a tree that already holds a file gets nothing more.
"""

from __future__ import annotations

import io

from entente.accounts.models import Membership
from entente.spaces.models import Space

from . import services
from .models import Document
from .selectors import tree_root

# folder, file name, page lines (a PDF) or text (a .txt), then an optional second version
FILES: tuple[tuple[str, str, str, str], ...] = (
    ("Comptes rendus", "Compte rendu du conseil du 3 mars.pdf", "Conseil municipal du 3 mars", ""),
    (
        "Comptes rendus",
        "Ordre du jour du prochain conseil.txt",
        "1. Budget primitif\n2. Voirie",
        "",
    ),
    (
        "Marchés publics",
        "Cahier des clauses techniques.pdf",
        "CCTP - travaux de voirie - version de travail",
        "CCTP - travaux de voirie - version relue par la DGS",
    ),
    (
        "Voirie",
        "Planning des travaux.txt",
        "Rue des Lilas : semaine 12\nPlace de l'église : 14",
        "",
    ),
)


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII without parentheses), with a correct xref table."""
    stream = f"BT /F1 14 Tf 20 60 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 120] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _content(name: str, text: str) -> io.BytesIO:
    return io.BytesIO(pdf_with_text(text) if name.endswith(".pdf") else text.encode())


def seed_documents(space: Space, owner: Membership) -> int:
    """Add the demo tree to `space` as `owner` (one of its editors); return rows created."""
    root = tree_root(space)
    if Document.objects.filter(folder__space=space).exists():
        return 0
    folders = {}
    made = 0
    for folder_name, name, text, second in FILES:
        if folder_name not in folders:
            existing = root.children.filter(deleted_at__isnull=True, name=folder_name).first()
            if existing is None:
                existing = services.create_folder(membership=owner, parent=root, name=folder_name)
                made += 1
            folders[folder_name] = existing
        version = services.upload(
            membership=owner, folder=folders[folder_name], name=name, content=_content(name, text)
        )
        made += 2
        if second:
            services.add_version(
                membership=owner,
                document=version.document,
                content=_content(name, second),
                note="Relu par la DGS",
            )
            made += 1
    return made
