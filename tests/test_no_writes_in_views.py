"""Views, API views and consumers write nothing themselves: every write goes through a service.

A service authorizes the acting membership, validates, writes in a transaction and records
its history and events (`docs` and `entente.accounts.actors`); a `.save()` in a view skips all
of it. This test parses (ast) every `views.py`, `*_views.py`, `api/**/views.py` and
`realtime/consumers.py` and fails on an ORM write call, with its file and line. There is no
allow-list: a write found here moves into its app's `services.py`.

What counts as a write:
- any call of `.save(`, `.delete(`, `bulk_create`, `bulk_update`, `get_or_create`,
  `update_or_create`, `.create(` (except DRF's own `self.create(...)` / `super().create(...)`);
- `.update(` only on what is plainly a queryset or a manager: `X.objects.update(...)`,
  `….filter(...).update(...)` (any queryset method), `x_set.update(...)`, or a local name
  bound to one of those in the same function. `dict.update`, `set.update` and a template
  context's `update` are not writes.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ALWAYS = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "order_by",
    "annotate",
    "alias",
    "distinct",
    "only",
    "defer",
    "using",
    "none",
    "values",
    "values_list",
    "get_queryset",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def _is_queryset(node: ast.expr, bound: set[str]) -> bool:
    """Is `node` plainly a queryset or a manager (as the receiver of `.update(`)?"""
    if isinstance(node, ast.Attribute):
        return node.attr in MANAGERS or node.attr.endswith("_set")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in QUERYSET_METHODS
    if isinstance(node, ast.Name):
        return node.id in bound
    return False


def _is_self(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id == "self"
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


class _WriteFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.scopes: list[set[str]] = [set()]

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(set())
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = _function  # noqa: N815 (ast.NodeVisitor's naming)
    visit_AsyncFunctionDef = _function  # noqa: N815

    def visit_Assign(self, node: ast.Assign) -> None:
        if _is_queryset(node.value, self.scopes[-1]):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.scopes[-1].add(target.id)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            name, receiver = node.func.attr, node.func.value
            if (
                name in ALWAYS
                or (name == "create" and not _is_self(receiver))
                or (name == "update" and _is_queryset(receiver, self.scopes[-1]))
            ):
                self.found.append((node.lineno, f"{ast.unparse(node.func)}(…)"))
        self.generic_visit(node)


def writes_in(source: str, filename: str) -> list[str]:
    """Each ORM write call of `source`, as "file:line: call"."""
    finder = _WriteFinder()
    finder.visit(ast.parse(source, filename=filename))
    return [f"{filename}:{line}: {call}" for line, call in sorted(finder.found)]


def faces() -> list[Path]:
    """The modules that answer people: page views, API views, websocket consumers."""
    platform = ROOT / "platform" / "entente"
    pages = [*platform.rglob("views.py"), *platform.rglob("*_views.py")]
    api = list((ROOT / "api").rglob("views.py"))
    return sorted({*pages, *api, ROOT / "realtime" / "consumers.py"})


def test_views_api_views_and_consumers_write_nothing() -> None:
    paths = faces()
    names = {str(path.relative_to(ROOT)) for path in paths}
    # The scan covers what it claims to (a moved tree would otherwise pass by finding nothing).
    assert {
        "platform/entente/tasks/views.py",
        "platform/entente/signup/views.py",
        "platform/entente/federation/space_views.py",
        "api/v1/tasks/views.py",
        "realtime/consumers.py",
    } <= names
    assert len(paths) >= 20
    found = [
        hit
        for path in paths
        for hit in writes_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "Move these writes into the app's services.py:\n" + "\n".join(found)


def system_actors_in(source: str, filename: str) -> list[str]:
    """Each import of a named system actor (`entente.accounts.actors`) in `source`."""
    names = {"SystemActor", "RECURRENCE", "DEMO", "FIXTURES"}
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.ImportFrom) and node.module == "entente.accounts.actors":
            found += [
                f"{filename}:{node.lineno}: {alias.name}"
                for alias in node.names
                if alias.name in names
            ]
    return found


def test_faces_act_as_the_person_never_as_the_system() -> None:
    """A request acts with the membership it carries: a face that imported a system actor
    could write what no person may (the system is for recurrence, seeding and fixtures)."""
    found = [
        hit
        for path in faces()
        for hit in system_actors_in(path.read_text(encoding="utf-8"), str(path))
    ]
    assert found == []
    assert system_actors_in("from entente.accounts.actors import DEMO, Acting", "x.py") == [
        "x.py:1: DEMO"
    ]


SNIPPET_WITH_WRITES = """
def view(request, pk):
    task = Task.objects.get(pk=pk)
    task.title = "x"
    task.save(update_fields=["title"])                                  # 5
    Task.objects.filter(pk=pk).update(title="y")                        # 6
    Label.objects.create(name="z")                                      # 7
    comment.delete()                                                    # 8
    Task.objects.bulk_create([])                                        # 9
    Label.objects.get_or_create(name="a")                               # 10
    SpaceMembership.objects.update_or_create(space=s, user=u)           # 11
    pending = JoinRequest.objects.filter(state="pending")
    pending.update(state="expired")                                     # 13
    task.comment_set.update(body="")                                    # 14
    task.comments.create(body="b")                                      # 15
    form.save()                                                         # 16
"""

SNIPPET_WITHOUT_WRITES = """
class Members(generics.UpdateAPIView):
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

def view(request):
    context = {"a": 1}
    context.update(b=2)
    ids = set()
    ids.update([1, 2])
    task = services.create_task(request.membership, space=space, title="x")
    loop.create_task(listen())
    return render(request, "t.html", context)
"""


def test_the_check_finds_every_kind_of_write() -> None:
    """Shown failing: each write of the snippet is reported with its line."""
    found = writes_in(SNIPPET_WITH_WRITES, "snippet.py")
    assert [int(hit.split(":")[1]) for hit in found] == [5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16]
    assert found[0] == "snippet.py:5: task.save(…)"


def test_the_check_ignores_dict_set_and_drf_dispatch() -> None:
    assert writes_in(SNIPPET_WITHOUT_WRITES, "snippet.py") == []
