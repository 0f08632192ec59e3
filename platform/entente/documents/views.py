"""Document pages: a space's « Documents », the archive, folders, files, versions, the bin.

Thin: each page loads what it shows through `selectors.access_*` (404 for what does not exist
or may not be seen, the same answer for both) and hands writes to `services`, which check the
abilities again and answer `PermissionDenied` (a 403 page with the reason) or `ValidationError`
(the form again, 400). Uploads check the announced size before anything reads the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from entente.accounts.models import Membership, User
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.selectors import SpaceAccess, access_space

from . import selectors, services, uploads
from .files import version_response
from .forms import MoveForm, NameForm, RightForm, UploadForm, VersionForm
from .models import Document, Folder, FolderRight, Version
from .selectors import DocumentAccess, FolderAccess

FILES_PER_PAGE = 200  # a folder of 10,000 files is read page by page
A = TypeVar("A")
NOT_FOUND = _("Ce dossier ou ce fichier n'existe pas ou ne vous est pas accessible.")


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits only members here
        raise Http404
    return membership


def _folder(request: HttpRequest, pk: int, *, bin_ok: bool = False) -> FolderAccess:
    try:
        return selectors.access_folder(_membership(request), pk, bin_ok=bin_ok)
    except Folder.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _document(request: HttpRequest, pk: int, *, bin_ok: bool = False) -> DocumentAccess:
    try:
        return selectors.access_document(_membership(request), pk, bin_ok=bin_ok)
    except Document.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _space(request: HttpRequest, space_id: int) -> Space | None:
    """The space of a tree (`space_id` 0: the archive, no space)."""
    if not space_id:
        return None
    try:
        access: SpaceAccess = access_space(_membership(request), space_id)
    except Space.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return access.space


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "documents/forbidden.html", {"message": message}, status=403)


def _attempt(request: HttpRequest, write: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a write; its refusal is a 403 page, its invalid input a message and a 400 redirect."""
    try:
        write()
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        response = redirect(back)
        response.status_code = 303
        return response
    messages.success(request, done)
    return redirect(back)


def _tree_targets(folder: Folder, exclude: int | None = None) -> list[tuple[int, str]]:
    """Live folders of the same tree, for « Déplacer vers » (their paths, indented)."""
    folders = list(Folder.objects.filter(space=folder.space, deleted_at__isnull=True))
    children: dict[int | None, list[Folder]] = {}
    for item in folders:
        children.setdefault(item.parent_id, []).append(item)
    targets: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for item in sorted(children.get(parent, []), key=lambda f: f.name.lower()):
            if item.pk == exclude:
                continue
            targets.append((item.pk, f"{'— ' * depth}{item.name}"))
            walk(item.pk, depth + 1)

    walk(None, 0)
    return targets


def _people(ids: set[int]) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(pk__in=ids)}


# -- Trees and folders ---------------------------------------------------------------------------


def space_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    root = selectors.tree_root(access.space)
    return {"root": root, "recent": list(selectors.files_in(root)[:8])}


@require_GET
def space_tree(request: HttpRequest, space_id: int) -> HttpResponse:
    space = _space(request, space_id)
    try:
        access = selectors.access_tree(_membership(request), space)
    except Folder.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return redirect("documents:folder", pk=access.folder.pk)


@require_GET
def archive_tree(request: HttpRequest) -> HttpResponse:
    try:
        access = selectors.access_tree(_membership(request), None)
    except Folder.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    return redirect("documents:folder", pk=access.folder.pk)


@require_GET
def folder(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    membership = _membership(request)
    page = Paginator(selectors.files_in(access.folder), FILES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    documents = list(page.object_list)
    context: dict[str, Any] = {
        "access": access,
        "folder": access.folder,
        "space": access.folder.space,
        "abilities": access.abilities,
        "subfolders": selectors.visible_subfolders(membership, access),
        "documents": documents,
        "page": page,
        "upload_form": UploadForm(),
        "name_form": NameForm(),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
    }
    if access.abilities.edit and not access.folder.is_root:
        context["move_form"] = MoveForm(
            targets=_tree_targets(access.folder, exclude=access.folder.pk)
        )
    if access.abilities.manage:
        context["rights"] = _rights_context(access.folder)
    return render(request, "documents/folder.html", context)


def _rights_context(folder: Folder) -> dict[str, Any]:
    rules = list(FolderRight.objects.filter(folder=folder))
    member_ids = (
        set(
            SpaceMembership.objects.filter(space_id=folder.space_id).values_list(
                "user_id", flat=True
            )
        )
        if folder.space_id
        else set()
    )
    people = _people(member_ids | {rule.user_id for rule in rules if rule.user_id})
    choices = sorted(
        ((pk, user.full_name or user.email) for pk, user in people.items()), key=lambda c: c[1]
    )
    return {
        "rules": [(rule, people.get(rule.user_id) if rule.user_id else None) for rule in rules],
        "form": RightForm(people=choices),
    }


def _target(request: HttpRequest, within: Folder) -> Folder:
    try:
        target_id = int(request.POST.get("target", ""))
    except ValueError:
        raise Http404(NOT_FOUND) from None
    target = _folder(request, target_id).folder
    if target.space_id != within.space_id:
        raise Http404(NOT_FOUND)
    return target


def _write_view(
    load: Callable[[HttpRequest, int], A],
    write: Callable[[HttpRequest, Membership, A], object],
    done: Callable[[HttpRequest, A], str],
    back: Callable[[A, int], str],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST page: load its object (404), run one service write, go back with a message.

    Where to go back is read before the write (a folder put in the bin goes back to its parent).
    """

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        loaded = load(request, pk)
        to = back(loaded, pk)
        membership = _membership(request)
        return _attempt(
            request, lambda: write(request, membership, loaded), done(request, loaded), to
        )

    return view


Extra = Callable[[HttpRequest, Folder], dict[str, Any]]


def _said(message: Promise) -> Callable[[HttpRequest, object], str]:
    return lambda request, loaded: str(message)


def _nothing(request: HttpRequest, within: Folder) -> dict[str, Any]:
    return {}


def _named(request: HttpRequest, within: Folder) -> dict[str, Any]:
    return {"name": request.POST.get("name", "")}


def _moved(request: HttpRequest, within: Folder) -> dict[str, Any]:
    return {"target": _target(request, within)}


def _right(request: HttpRequest, within: Folder) -> dict[str, Any]:
    raw_person = request.POST.get("person") or ""
    person = int(raw_person) if raw_person.isdigit() else None
    return {"user_id": person, "role": request.POST.get("role") or None}


def _on_folder(
    service: Callable[..., object],
    done: Promise,
    *,
    key: str = "folder",
    extra: Extra = _nothing,
    bin_ok: bool = False,
    back: Callable[[FolderAccess, int], str] = lambda access, pk: f"/documents/dossiers/{pk}/",
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A write on one folder: `service(membership=…, <key>=folder, **extra)`."""
    return _write_view(
        lambda request, pk: _folder(request, pk, bin_ok=bin_ok),
        lambda request, membership, access: service(
            membership=membership, **{key: access.folder}, **extra(request, access.folder)
        ),
        _said(done),
        back,
    )


def _on_file(
    service: Callable[..., object],
    done: Callable[[HttpRequest, object], str],
    *,
    extra: Extra = _nothing,
    bin_ok: bool = False,
    back: Callable[[DocumentAccess, int], str] = lambda access, pk: f"/documents/fichiers/{pk}/",
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A write on one file: `service(membership=…, document=…, **extra)`."""
    return _write_view(
        lambda request, pk: _document(request, pk, bin_ok=bin_ok),
        lambda request, membership, access: service(
            membership=membership, document=access.document, **extra(request, access.folder.folder)
        ),
        done,
        back,
    )


folder_create = _on_folder(
    services.create_folder, gettext_lazy("Dossier créé."), key="parent", extra=_named
)
folder_rename = _on_folder(services.rename_folder, gettext_lazy("Dossier renommé."), extra=_named)
folder_move = _on_folder(services.move_folder, gettext_lazy("Dossier déplacé."), extra=_moved)
folder_delete = _on_folder(
    services.delete_folder,
    gettext_lazy("Dossier mis à la corbeille."),
    back=lambda access, pk: f"/documents/dossiers/{access.folder.parent_id or pk}/",
)
folder_restore = _on_folder(services.restore_folder, gettext_lazy("Dossier restauré."), bin_ok=True)
folder_right = _on_folder(
    services.set_folder_right, gettext_lazy("Droits du dossier enregistrés."), extra=_right
)


# -- Uploads -------------------------------------------------------------------------------------


def _too_large(request: HttpRequest, back: str) -> HttpResponse:
    return render(
        request,
        "documents/refused.html",
        {"errors": [uploads.too_large_message()], "back": back},
        status=413,
    )


def _size_checked(
    inner: Callable[[HttpRequest, int], HttpResponse], back: str
) -> Callable[[HttpRequest, int], HttpResponse]:
    """An upload page whose announced size is checked before the body is read (CSRF then)."""

    @csrf_exempt
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        if uploads.declared_too_large(request):
            return _too_large(request, back.format(pk=pk))
        uploads.limit_uploads(request)
        return inner(request, pk)

    view.__doc__ = inner.__doc__
    return view


def _refused(request: HttpRequest, errors: list[str], back: str) -> HttpResponse:
    return render(request, "documents/refused.html", {"errors": errors, "back": back}, status=400)


def _form_errors(form: UploadForm | VersionForm) -> list[str]:
    return [str(e) for field_errors in form.errors.values() for e in field_errors]


def _upload_refused(
    request: HttpRequest, may_edit: bool, form: UploadForm | VersionForm, back: str, denied: str
) -> HttpResponse | None:
    """Why an upload stops before any file is kept: too large (413), role (403), form (400)."""
    if getattr(request, "upload_too_large", False):
        return _too_large(request, back)
    if not may_edit:
        return _forbidden(request, denied)
    if not form.is_valid():
        return _refused(request, _form_errors(form), back)
    return None


@csrf_protect
def _upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Several files into a folder. The size is checked before the body is read (CSRF then)."""
    access = _folder(request, pk)
    form = UploadForm(request.POST, request.FILES)
    back = f"/documents/dossiers/{pk}/"
    denied = _("Votre rôle ne permet pas de déposer des fichiers ici.")
    if refused := _upload_refused(request, access.abilities.edit, form, back, denied):
        return refused
    errors: list[str] = []
    conflicts: list[str] = []
    done: list[str] = []
    for uploaded in form.cleaned_data["files"]:
        try:
            version = services.upload(
                membership=_membership(request),
                folder=access.folder,
                name=uploaded.name or "",
                content=uploaded,
                note=form.cleaned_data["note"],
                on_conflict=form.cleaned_data["on_conflict"],
            )
        except services.NameTakenError as taken:
            conflicts.append(taken.existing.name)
        except ValidationError as error:
            errors.extend(f"{uploaded.name} : {message}" for message in error.messages)
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        else:
            done.append(version.document.name)
    if errors or conflicts:
        return render(
            request,
            "documents/refused.html",
            {
                "errors": errors,
                "conflicts": conflicts,
                "done": done,
                "folder": access.folder,
                "upload_form": UploadForm(),
                "back": back,
            },
            status=409 if conflicts and not errors else 400,
        )
    messages.success(request, _("%(count)s fichier(s) déposé(s).") % {"count": len(done)})
    return redirect("documents:folder", pk=pk)


@csrf_protect
def _version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    form = VersionForm(request.POST, request.FILES)
    back = f"/documents/fichiers/{pk}/"
    denied = _("Votre rôle ne permet pas d'ajouter une version.")
    if refused := _upload_refused(request, access.abilities.edit, form, back, denied):
        return refused
    try:
        services.add_version(
            membership=_membership(request),
            document=access.document,
            content=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return _refused(request, error.messages, back)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Nouvelle version déposée."))
    return redirect("documents:file", pk=pk)


upload = _size_checked(_upload, "/documents/dossiers/{pk}/")
version_upload = _size_checked(_version_upload, "/documents/fichiers/{pk}/")


# -- Files and versions --------------------------------------------------------------------------


@require_GET
def file(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    document = access.document
    versions = list(selectors.versions_of(document))
    people = _people({v.author_id for v in versions if v.author_id})
    membership = _membership(request)
    context: dict[str, Any] = {
        "document": document,
        "folder": access.folder.folder,
        "access": access.folder,
        "space": access.folder.folder.space,
        "abilities": access.abilities,
        "versions": [(v, people.get(v.author_id or 0)) for v in versions],
        "current": document.current,
        "preview": document.current is not None
        and uploads.is_inline(document.current.content_type),
        "is_image": document.current is not None
        and document.current.content_type.startswith("image/"),
        "following": document.followers.filter(user_id=membership.user_id).exists(),
        "version_form": VersionForm(),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
    }
    if access.abilities.edit:
        context["move_form"] = MoveForm(targets=_tree_targets(access.folder.folder))
    return render(request, "documents/file.html", context)


def _follows(request: HttpRequest) -> bool:
    return request.POST.get("follow") == "1"


def _following(request: HttpRequest, within: Folder) -> dict[str, Any]:
    return {"on": _follows(request)}


def _follow_said(request: HttpRequest, access: object) -> str:
    if _follows(request):
        return _("Vous suivez ce fichier.")
    return _("Vous ne suivez plus ce fichier.")


file_rename = _on_file(
    services.rename_document, _said(gettext_lazy("Fichier renommé.")), extra=_named
)
file_move = _on_file(services.move_document, _said(gettext_lazy("Fichier déplacé.")), extra=_moved)
file_delete = _on_file(
    services.delete_document,
    _said(gettext_lazy("Fichier mis à la corbeille.")),
    back=lambda access, pk: f"/documents/dossiers/{access.document.folder_id}/",
)
file_restore = _on_file(
    services.restore_document, _said(gettext_lazy("Fichier restauré.")), bin_ok=True
)
file_follow = _on_file(services.follow, _follow_said, extra=_following)


def _version(request: HttpRequest, pk: int) -> tuple[Version, DocumentAccess]:
    try:
        return selectors.access_version(_membership(request), pk)
    except Version.DoesNotExist:
        raise Http404(NOT_FOUND) from None


@require_GET
def version_download(request: HttpRequest, pk: int) -> FileResponse:
    version, access = _version(request, pk)
    download = request.GET.get("telecharger") == "1"
    return version_response(version, access.document.name, download=download)


version_restore = _write_view(
    _version,
    lambda request, membership, loaded: services.restore_version(
        membership=membership, version=loaded[0]
    ),
    lambda request, loaded: (
        _("Version %s restaurée : elle est la version courante.") % loaded[0].number
    ),
    lambda loaded, pk: f"/documents/fichiers/{loaded[1].document.pk}/",
)


# -- The bin -------------------------------------------------------------------------------------


def _bin(request: HttpRequest, space: Space | None) -> HttpResponse:
    try:
        root = selectors.access_tree(_membership(request), space)
    except Folder.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if not root.abilities.edit:
        return _forbidden(request, _("Seuls les éditeurs voient et restaurent la corbeille."))
    folders, documents = selectors.bin_of(space)
    return render(
        request,
        "documents/bin.html",
        {
            "root": root.folder,
            "space": space,
            "abilities": root.abilities,
            "folders": folders,
            "documents": documents,
            "bin_days": services.bin_days(),
        },
    )


@require_GET
def space_bin(request: HttpRequest, space_id: int) -> HttpResponse:
    return _bin(request, _space(request, space_id))


@require_GET
def archive_bin(request: HttpRequest) -> HttpResponse:
    return _bin(request, None)
