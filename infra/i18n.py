"""Refresh, compile and check the English catalogue of Entente's strings.

Our strings are written in French in the source (`gettext("…")`, `{% translate "…" %}`); the
English catalogue is `platform/entente/locale/en/LC_MESSAGES/django.po`, compiled to `django.mo`.
Both files are committed: a machine without GNU gettext can still serve English, and only
the person who changes strings needs gettext (xgettext, msgmerge, msgfmt).

From the repository root:

    .venv/bin/python -m infra.i18n           # collect new strings (makemessages), then compile
    .venv/bin/python -m infra.i18n compile   # compile django.po into django.mo only
    .venv/bin/python -m infra.i18n check     # list untranslated and fuzzy entries, exit 1 if any

The first is the same as running, from the repository root:

    .venv/bin/python manage.py makemessages -l en --extension=html,txt,py \\
        --add-location=file --no-obsolete --ignore=.venv --ignore=.data --ignore=node_modules \\
        --ignore=staticfiles --ignore=tests --ignore=benchmarks --ignore=infra --ignore=helm \\
        --ignore=docs --ignore=build
    .venv/bin/python manage.py compilemessages -l en --ignore=.venv --ignore=.data ...

Every file scanned writes to the first of LOCALE_PATHS (platform/entente/locale), so the whole
product has one catalogue per language. After collecting, translate the new entries (empty
`msgstr`, or marked `#, fuzzy` by msgmerge's guesses), then compile again.

`locale/fr` is not ours to collect: it holds a few corrections of a dependency's French
(allauth's), which Django reads before the dependency's own catalogue. It is edited by hand and
compiled with `manage.py compilemessages -l fr`; this module leaves it alone.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "platform" / "entente" / "locale"
LANGUAGES = ["en"]
# Folders that hold no product string, or someone else's (the virtualenv's packages).
IGNORED = [
    ".venv",
    ".data",
    ".git",
    "node_modules",
    "staticfiles",
    "tests",
    "benchmarks",
    "infra",
    "helm",
    "docs",
    "build",
]


def catalogue(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def _manage(*args: str) -> None:
    ignore = [f"--ignore={folder}" for folder in IGNORED]
    subprocess.run([sys.executable, "manage.py", *args, *ignore], cwd=ROOT, check=True)


def make_messages() -> None:
    for language in LANGUAGES:
        _manage(
            "makemessages",
            f"--locale={language}",
            "--extension=html,txt,py",
            "--add-location=file",
            "--no-obsolete",
        )


def compile_messages() -> None:
    for language in LANGUAGES:
        _manage("compilemessages", f"--locale={language}")


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and not self.fuzzy


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header excluded), enough to check and compare them."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    seen_id = False

    def finish() -> None:
        nonlocal current, seen_id, target
        if seen_id and current.msgid:
            entries.append(current)
        current, seen_id, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if seen_id:
                finish()
            current.fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            value, keyword = ast.literal_eval(line), ""
        else:
            value = ast.literal_eval(rest)
        if keyword == "msgctxt":
            if seen_id:
                finish()
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            if seen_id:
                finish()
            current.msgid, target, seen_id = value, ("msgid", 0), True
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index], target = value, ("msgstr", index)
        elif target is not None:  # a continuation line
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
    finish()
    return entries


# -- What the source asks to translate, without GNU gettext ------------------------------------
# The same keywords as Django's makemessages gives xgettext: name → (context, singular, plural)
# argument positions (None: absent).
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
Message = tuple[str | None, str]  # (context, msgid)


def _from_call(name: str, args: list[str | None]) -> Message | None:
    context, singular, _plural = KEYWORDS[name]
    if len(args) <= singular or args[singular] is None:
        return None
    if context is not None and (len(args) <= context or args[context] is None):
        return None
    return (args[context] if context is not None else None, str(args[singular]))


def python_messages(source: str) -> set[Message]:
    """The messages a Python module marks: calls of the keywords with literal arguments."""
    found: set[Message] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in KEYWORDS:
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args]  # fmt: skip
        message = _from_call(name, args)
        if message is not None:
            found.add(message)
    return found


_STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_ARGUMENT = rf"(?:{_STRING}|\w+)"
_CALL = re.compile(rf"\b({'|'.join(KEYWORDS)})\(\s*({_ARGUMENT}(?:\s*,\s*{_ARGUMENT})*)\s*\)")
_ARGUMENTS = re.compile(_ARGUMENT)


def template_messages(source: str, origin: str) -> set[Message]:
    """The messages a template marks, read as makemessages reads them: Django's `templatize`
    turns `{% translate %}` and `{% blocktranslate %}` into keyword calls (the rest of its output
    is placeholder text, not Python, so the calls are found by pattern)."""
    from django.utils.translation.template import templatize

    found: set[Message] = set()
    for call in _CALL.finditer(templatize(source, origin)):
        args: list[str | None] = [
            ast.literal_eval(arg) if arg[0] in "u'\"" and not arg.isidentifier() else None
            for arg in _ARGUMENTS.findall(call.group(2))
        ]
        message = _from_call(call.group(1), args)
        if message is not None:
            found.add(message)
    return found


def source_messages() -> dict[Message, str]:
    """Every message the product's code and templates mark, with one file that marks it."""
    found: dict[Message, str] = {}
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in IGNORED or path.suffix not in {".py", ".html", ".txt"}:
            continue
        if "migrations" in relative.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            messages = python_messages(text)
        elif "templates" in relative.parts:
            messages = template_messages(text, str(path))
        else:
            continue
        for message in messages:
            found.setdefault(message, str(relative))
    return found


def uncollected(language: str = "en") -> dict[Message, str]:
    """Messages of the source that the catalogue lacks (collect them: `python -m infra.i18n`)."""
    known = {(entry.msgctxt, entry.msgid) for entry in read_po(catalogue(language))}
    return {message: where for message, where in source_messages().items() if message not in known}


def check() -> int:
    """Print the entries still to translate; the number of them is the exit status's truth."""
    missing = 0
    for language in LANGUAGES:
        for entry in read_po(catalogue(language)):
            if not entry.translated:
                missing += 1
                state = "fuzzy" if entry.fuzzy else "untranslated"
                print(f"{language}: {state}: {entry.msgid!r}")
    print(f"{missing} entr{'y' if missing == 1 else 'ies'} to translate.")
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "all"
    if command == "all":
        make_messages()
        compile_messages()
        return check()
    if command == "compile":
        compile_messages()
        return 0
    if command == "check":
        return check()
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
