"""The documents API: /api/v1/spaces/{space_id}/documents/… (folders, files, versions, bin).

Every view loads the space through `api.base.SpaceScopedMixin` (404 for a space one may not
see, or whose « documents » section is closed to a citizen), then the folder or file *within
that space* through `entente.documents.selectors` (404 for what is not there, closed by a
folder rule, or in another space or tenant). Reads need only seeing the space: what one may
change depends on folder rules, so writes are decided by the services (403 with the reason).
Uploads answer 413 from the announced length before anything reads the body.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import SpaceScopedMixin
from api.fields import query_int
from entente.accounts.models import Membership
from entente.documents import selectors, services, uploads
from entente.documents.files import version_response
from entente.documents.models import Document, Folder, Version
from entente.documents.permissions import SECTION
from entente.documents.selectors import DocumentAccess, FolderAccess

from .serializers import (
    BinSerializer,
    DocumentSerializer,
    FileUpdateSerializer,
    FolderContentSerializer,
    FolderCreateSerializer,
    FolderSerializer,
    FolderUpdateSerializer,
    RightSerializer,
    UploadSerializer,
    VersionSerializer,
    VersionUploadSerializer,
)

READS_ONLY = dict.fromkeys(("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), "view")


def not_found() -> NotFound:
    return NotFound(_("Ce dossier ou ce fichier n'existe pas ou ne vous est pas accessible."))


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class NameTaken(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "name_taken"


class DocumentsView(SpaceScopedMixin, generics.GenericAPIView[Any]):
    space_section = SECTION
    space_ability_map = READS_ONLY
    pagination_class = None
    queryset = Document.objects.none()  # for the schema's path parameters; views load their own

    def folder_here(self, pk: Any, *, bin_ok: bool = False) -> FolderAccess:
        try:
            access = selectors.access_folder(self.membership, int(pk), bin_ok=bin_ok)
        except (Folder.DoesNotExist, TypeError, ValueError):
            raise not_found() from None
        if access.folder.space_id != self.space_pk:
            raise not_found()
        return access

    @property
    def space_pk(self) -> int | None:
        """The tree's space (None: the collectivité's archive, `ArchiveMixin`)."""
        return self.space.pk

    def document_here(self, pk: Any, *, bin_ok: bool = False) -> DocumentAccess:
        try:
            access = selectors.access_document(self.membership, int(pk), bin_ok=bin_ok)
        except (Document.DoesNotExist, TypeError, ValueError):
            raise not_found() from None
        if access.folder.folder.space_id != self.space_pk:
            raise not_found()
        return access

    def output_context(self) -> dict[str, Any]:
        return {"space_id": self.space_pk}

    def root(self) -> FolderAccess:
        try:
            return selectors.access_tree(self.membership, self.space)
        except Folder.DoesNotExist:
            raise not_found() from None


class LimitedUploadMixin:
    """413 before the body is read when the announced length is over the limit."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.method == "POST":
            if uploads.declared_too_large(request):
                raise TooLarge(uploads.too_large_message())
            uploads.limit_uploads(request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    @staticmethod
    def check_not_cut(request: Request) -> None:
        if getattr(request, "upload_too_large", False):
            raise TooLarge(uploads.too_large_message())


FILES_LIMIT = 500  # files per answer by default; `?limit=` up to FILES_MAX_LIMIT
FILES_MAX_LIMIT = 2000
OFFSET_MAX = 2**31 - 1  # beyond, PostgreSQL's OFFSET overflows (a bigint): no folder is that big


def _window(request: Request) -> tuple[int, int]:
    """`?offset=&limit=` on a folder's files (a folder may hold 10,000), within the bounds the
    OpenAPI states (`WINDOW`)."""
    params = request.query_params
    offset = query_int(params, "offset", low=0, high=OFFSET_MAX, default=0, empty_is_absent=True)
    limit = query_int(
        params, "limit", high=FILES_MAX_LIMIT, default=FILES_LIMIT, empty_is_absent=True
    )
    return offset or 0, limit or FILES_LIMIT


def _content(access: FolderAccess, membership: Membership, request: Request) -> dict[str, Any]:
    folder = access.folder
    offset, limit = _window(request)
    files = selectors.files_in(folder)
    return {
        "id": folder.pk,
        "name": folder.name,
        "parent": folder.parent_id,
        "created_at": folder.created_at,
        "updated_at": folder.updated_at,
        "deleted_at": folder.deleted_at,
        "folders": selectors.visible_subfolders(membership, access),
        "files": list(files[offset : offset + limit]),
        "files_count": files.count(),
        "abilities": access.abilities.as_dict(),
    }


WINDOW = [
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": OFFSET_MAX},
        description="Fichiers à sauter (défaut 0)",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": FILES_MAX_LIMIT},
        description=f"Fichiers à rendre (défaut {FILES_LIMIT}, au plus {FILES_MAX_LIMIT})",
    ),
]


class TreeRoot(DocumentsView):
    """The root folder of the space's tree, with its content."""

    serializer_class = FolderContentSerializer

    @extend_schema(parameters=WINDOW)
    def get(self, request: Request, space_id: int) -> Response:
        content = _content(self.root(), self.membership, request)
        return Response(
            FolderContentSerializer(cast(Any, content), context=self.output_context()).data
        )


class FolderCreate(DocumentsView):
    conflict_statuses = (409,)  # the name is taken in that folder

    serializer_class = FolderSerializer

    @extend_schema(request=FolderCreateSerializer, responses={201: FolderSerializer})
    def post(self, request: Request, space_id: int) -> Response:
        data = FolderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent_id = data.validated_data.get("parent")
        parent = self.folder_here(parent_id) if parent_id else self.root()
        folder = services.create_folder(
            membership=self.membership, parent=parent.folder, name=data.validated_data["name"]
        )
        return Response(FolderSerializer(folder).data, status=status.HTTP_201_CREATED)


class FolderDetail(DocumentsView):
    """GET: the folder and its content; PATCH: rename and/or move; DELETE: to the bin."""

    conflict_statuses = (409,)  # the name is taken in that folder

    serializer_class = FolderContentSerializer

    @extend_schema(parameters=WINDOW)
    def get(self, request: Request, space_id: int, pk: int) -> Response:
        content = _content(self.folder_here(pk), self.membership, request)
        return Response(
            FolderContentSerializer(cast(Any, content), context=self.output_context()).data
        )

    @extend_schema(request=FolderUpdateSerializer, responses={200: FolderSerializer})
    def patch(self, request: Request, space_id: int, pk: int) -> Response:
        access = self.folder_here(pk)
        data = FolderUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        folder = access.folder
        if "parent" in data.validated_data:
            target = self.folder_here(data.validated_data["parent"]).folder
            folder = services.move_folder(membership=self.membership, folder=folder, target=target)
        if "name" in data.validated_data:
            folder = services.rename_folder(
                membership=self.membership, folder=folder, name=data.validated_data["name"]
            )
        return Response(FolderSerializer(folder).data)

    def delete(self, request: Request, space_id: int, pk: int) -> Response:
        services.delete_folder(membership=self.membership, folder=self.folder_here(pk).folder)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FolderRestore(DocumentsView):
    serializer_class = FolderSerializer

    @extend_schema(request=None, responses={200: FolderSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        access = self.folder_here(pk, bin_ok=True)
        folder = services.restore_folder(membership=self.membership, folder=access.folder)
        return Response(FolderSerializer(folder).data)


class FolderRights(DocumentsView):
    """Set (or, with `role` null, remove) a folder rule; space editors and admins only."""

    serializer_class = RightSerializer
    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=RightSerializer, responses={204: None})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        access = self.folder_here(pk)
        data = RightSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_folder_right(
            membership=self.membership,
            folder=access.folder,
            user_id=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileUpload(LimitedUploadMixin, DocumentsView):
    """Upload a file into a folder (multipart). A name that exists: 409 unless `on_conflict`."""

    conflict_statuses = (409,)  # the name is taken in that folder

    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=UploadSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        access = self.folder_here(pk)
        data = UploadSerializer(data=request.data)
        self.check_not_cut(request)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            version = services.upload(
                membership=self.membership,
                folder=access.folder,
                name=data.validated_data.get("name") or upload.name or "",
                content=upload,
                note=data.validated_data.get("note", ""),
                on_conflict=data.validated_data.get("on_conflict", ""),
            )
        except services.NameTakenError as taken:
            existing = str(taken.existing.pk)
            raise NameTaken({"detail": taken.messages[0], "existing": existing}) from None
        document = version.document
        document.current = version
        return Response(
            DocumentSerializer(document, context=self.output_context()).data,
            status=status.HTTP_201_CREATED,
        )


class FileDetail(DocumentsView):
    """GET: the file and its current version; PATCH: rename and/or move; DELETE: to the bin."""

    conflict_statuses = (409,)  # the name is taken in that folder

    serializer_class = DocumentSerializer

    def get(self, request: Request, space_id: int, pk: int) -> Response:
        return Response(
            DocumentSerializer(self.document_here(pk).document, context=self.output_context()).data
        )

    @extend_schema(request=FileUpdateSerializer, responses={200: DocumentSerializer})
    def patch(self, request: Request, space_id: int, pk: int) -> Response:
        document = self.document_here(pk).document
        data = FileUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "folder" in data.validated_data:
            target = self.folder_here(data.validated_data["folder"]).folder
            document = services.move_document(
                membership=self.membership, document=document, target=target
            )
        if "name" in data.validated_data:
            document = services.rename_document(
                membership=self.membership, document=document, name=data.validated_data["name"]
            )
        return Response(DocumentSerializer(document, context=self.output_context()).data)

    def delete(self, request: Request, space_id: int, pk: int) -> Response:
        services.delete_document(
            membership=self.membership, document=self.document_here(pk).document
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FileRestore(DocumentsView):
    serializer_class = DocumentSerializer

    @extend_schema(request=None, responses={200: DocumentSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        access = self.document_here(pk, bin_ok=True)
        document = services.restore_document(membership=self.membership, document=access.document)
        return Response(DocumentSerializer(document, context=self.output_context()).data)


class VersionList(LimitedUploadMixin, DocumentsView):
    """GET: every version, newest first; POST (multipart): a new version."""

    serializer_class = VersionSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: VersionSerializer(many=True)})
    def get(self, request: Request, space_id: int, pk: int) -> Response:
        document = self.document_here(pk).document
        versions = selectors.versions_of(document).select_related("document__folder")
        return Response(VersionSerializer(versions, many=True, context=self.output_context()).data)

    @extend_schema(request=VersionUploadSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        document = self.document_here(pk).document
        data = VersionUploadSerializer(data=request.data)
        self.check_not_cut(request)
        data.is_valid(raise_exception=True)
        version = services.add_version(
            membership=self.membership,
            document=document,
            content=data.validated_data["file"],
            note=data.validated_data.get("note", ""),
        )
        return Response(
            VersionSerializer(version, context=self.output_context()).data,
            status=status.HTTP_201_CREATED,
        )


class VersionView(DocumentsView):
    def version_here(self, pk: int, version_id: int) -> Version:
        document = self.document_here(pk).document
        version = document.versions.filter(pk=version_id).first()
        if version is None:
            raise not_found()
        return version


class VersionDownload(VersionView):
    """The version's file: inline for PDF and images, a download otherwise; `nosniff` always."""

    serializer_class = VersionSerializer

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, space_id: int, pk: int, version_id: int) -> FileResponse:
        version = self.version_here(pk, version_id)
        download = request.query_params.get("download") == "1"
        return version_response(version, version.document.name, download=download)


class VersionRestore(VersionView):
    """Make this version current again: a new version with its content."""

    serializer_class = VersionSerializer

    @extend_schema(request=None, responses={201: VersionSerializer})
    def post(self, request: Request, space_id: int, pk: int, version_id: int) -> Response:
        version = self.version_here(pk, version_id)
        restored = services.restore_version(membership=self.membership, version=version)
        return Response(
            VersionSerializer(restored, context=self.output_context()).data,
            status=status.HTTP_201_CREATED,
        )


class Bin(DocumentsView):
    """What was deleted in the space's tree (editors only: 403 for the other members)."""

    serializer_class = BinSerializer

    def get(self, request: Request, space_id: int) -> Response:
        if not self.root().abilities.edit:
            raise PermissionDenied(_("Seuls les éditeurs voient et restaurent la corbeille."))
        folders, documents = selectors.bin_of(self.space)
        return Response(
            BinSerializer(
                {"folders": folders, "files": documents}, context=self.output_context()
            ).data
        )


class ArchiveMixin:
    """The same views over the collectivité's own archive tree (no space):
    /api/v1/documents/archive/…. Its staff read it, its admins manage it
    (`entente.documents.permissions.tree_abilities`); a guest, a citizen or a federated agent
    gets 404, as for a space they may not see. The handlers keep their `space_id` argument: 0."""

    space_url_kwarg = None
    membership: Membership

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("space_id", 0)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    @property
    def space(self) -> None:
        return None

    @property
    def space_pk(self) -> None:
        return None

    def output_context(self) -> dict[str, Any]:
        return {"space_id": None, "archive": True}

    def root(self) -> FolderAccess:
        try:
            return selectors.access_tree(self.membership, None)
        except Folder.DoesNotExist:
            raise not_found() from None


def archive_view(view: type[DocumentsView]) -> type[DocumentsView]:
    """`view` over the archive tree (a subclass named `Archive<view>` for the OpenAPI)."""
    return cast(
        type[DocumentsView],
        type(f"Archive{view.__name__}", (ArchiveMixin, view), {"__doc__": view.__doc__}),
    )
