"""Document pages: a space's « Documents », the archive, folders, files, versions, the bin.

Thin: each page loads what it shows through `selectors.access_*` (404 for what does not exist
or may not be seen, the same answer for both) and hands writes to `services`, which check the
abilities again and answer `PermissionDenied` (a 403 page with the reason) or `ValidationError`
(the form again, 400). Uploads check the announced size before anything reads the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
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


@require_POST
def folder_create(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    name = request.POST.get("name", "")
    return _attempt(
        request,
        lambda: services.create_folder(
            membership=_membership(request), parent=access.folder, name=name
        ),
        _("Dossier créé."),
        f"/documents/dossiers/{pk}/",
    )


@require_POST
def folder_rename(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    name = request.POST.get("name", "")
    return _attempt(
        request,
        lambda: services.rename_folder(
            membership=_membership(request), folder=access.folder, name=name
        ),
        _("Dossier renommé."),
        f"/documents/dossiers/{pk}/",
    )


@require_POST
def folder_move(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    target = _target(request, access.folder)
    return _attempt(
        request,
        lambda: services.move_folder(
            membership=_membership(request), folder=access.folder, target=target
        ),
        _("Dossier déplacé."),
        f"/documents/dossiers/{pk}/",
    )


def _target(request: HttpRequest, within: Folder) -> Folder:
    try:
        target_id = int(request.POST.get("target", ""))
    except ValueError:
        raise Http404(NOT_FOUND) from None
    target = _folder(request, target_id).folder
    if target.space_id != within.space_id:
        raise Http404(NOT_FOUND)
    return target


@require_POST
def folder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    parent = access.folder.parent_id or pk
    return _attempt(
        request,
        lambda: services.delete_folder(membership=_membership(request), folder=access.folder),
        _("Dossier mis à la corbeille."),
        f"/documents/dossiers/{parent}/",
    )


@require_POST
def folder_restore(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk, bin_ok=True)
    return _attempt(
        request,
        lambda: services.restore_folder(membership=_membership(request), folder=access.folder),
        _("Dossier restauré."),
        f"/documents/dossiers/{pk}/",
    )


@require_POST
def folder_right(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    raw_person = request.POST.get("person") or ""
    person = int(raw_person) if raw_person.isdigit() else None
    role = request.POST.get("role") or None
    return _attempt(
        request,
        lambda: services.set_folder_right(
            membership=_membership(request), folder=access.folder, user_id=person, role=role
        ),
        _("Droits du dossier enregistrés."),
        f"/documents/dossiers/{pk}/",
    )


# -- Uploads -------------------------------------------------------------------------------------


def _too_large(request: HttpRequest, back: str) -> HttpResponse:
    return render(
        request,
        "documents/refused.html",
        {"errors": [uploads.too_large_message()], "back": back},
        status=413,
    )


@csrf_exempt
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Several files into a folder. The size is checked before the body is read (CSRF then)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    back = f"/documents/dossiers/{pk}/"
    if uploads.declared_too_large(request):
        return _too_large(request, back)
    uploads.limit_uploads(request)
    return _upload(request, pk)


@csrf_protect
def _upload(request: HttpRequest, pk: int) -> HttpResponse:
    access = _folder(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        return _too_large(request, f"/documents/dossiers/{pk}/")
    if not access.abilities.edit:
        return _forbidden(request, _("Votre rôle ne permet pas de déposer des fichiers ici."))
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return render(
            request,
            "documents/refused.html",
            {"errors": errors, "back": f"/documents/dossiers/{pk}/"},
            status=400,
        )
    errors, conflicts, done = [], [], []
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
                "back": f"/documents/dossiers/{pk}/",
            },
            status=409 if conflicts and not errors else 400,
        )
    messages.success(request, _("%(count)s fichier(s) déposé(s).") % {"count": len(done)})
    return redirect("documents:folder", pk=pk)


@csrf_exempt
def version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    back = f"/documents/fichiers/{pk}/"
    if uploads.declared_too_large(request):
        return _too_large(request, back)
    uploads.limit_uploads(request)
    return _version_upload(request, pk)


@csrf_protect
def _version_upload(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    form = VersionForm(request.POST, request.FILES)
    back = f"/documents/fichiers/{pk}/"
    if getattr(request, "upload_too_large", False):
        return _too_large(request, back)
    if not access.abilities.edit:
        return _forbidden(request, _("Votre rôle ne permet pas d'ajouter une version."))
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return render(
            request, "documents/refused.html", {"errors": errors, "back": back}, status=400
        )
    try:
        services.add_version(
            membership=_membership(request),
            document=access.document,
            content=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return render(
            request, "documents/refused.html", {"errors": error.messages, "back": back}, status=400
        )
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Nouvelle version déposée."))
    return redirect("documents:file", pk=pk)


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


@require_POST
def file_rename(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    name = request.POST.get("name", "")
    return _attempt(
        request,
        lambda: services.rename_document(
            membership=_membership(request), document=access.document, name=name
        ),
        _("Fichier renommé."),
        f"/documents/fichiers/{pk}/",
    )


@require_POST
def file_move(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    target = _target(request, access.folder.folder)
    return _attempt(
        request,
        lambda: services.move_document(
            membership=_membership(request), document=access.document, target=target
        ),
        _("Fichier déplacé."),
        f"/documents/fichiers/{pk}/",
    )


@require_POST
def file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    return _attempt(
        request,
        lambda: services.delete_document(membership=_membership(request), document=access.document),
        _("Fichier mis à la corbeille."),
        f"/documents/dossiers/{access.document.folder_id}/",
    )


@require_POST
def file_restore(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk, bin_ok=True)
    return _attempt(
        request,
        lambda: services.restore_document(
            membership=_membership(request), document=access.document
        ),
        _("Fichier restauré."),
        f"/documents/fichiers/{pk}/",
    )


@require_POST
def file_follow(request: HttpRequest, pk: int) -> HttpResponse:
    access = _document(request, pk)
    on = request.POST.get("follow") == "1"
    return _attempt(
        request,
        lambda: services.follow(membership=_membership(request), document=access.document, on=on),
        _("Vous suivez ce fichier.") if on else _("Vous ne suivez plus ce fichier."),
        f"/documents/fichiers/{pk}/",
    )


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


@require_POST
def version_restore(request: HttpRequest, pk: int) -> HttpResponse:
    version, access = _version(request, pk)
    return _attempt(
        request,
        lambda: services.restore_version(membership=_membership(request), version=version),
        _("Version %s restaurée : elle est la version courante.") % version.number,
        f"/documents/fichiers/{access.document.pk}/",
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
