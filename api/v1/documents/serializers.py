"""Serializers of the documents API: folders, files, versions (read shapes and write inputs)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.documents.models import Document, Folder, FolderRole, Version
from entente.documents.services import KEEP_BOTH, NEW_VERSION


class VersionSerializer(ModelSerializer[Version]):
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    restored_from = serializers.IntegerField(
        source="restored_from_id", read_only=True, allow_null=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Version
        fields = [
            "id", "number", "size", "sha256", "content_type", "author", "note",
            "restored_from", "created_at", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download_url(self, version: Version) -> str:
        # The views pass the space in the context: a folder of 10,000 files costs no query more.
        if self.context.get("archive"):
            return reverse(
                "api-archive-document-version-download",
                kwargs={"pk": version.document_id, "version_id": version.pk},
            )
        space_id = self.context.get("space_id") or version.document.folder.space_id
        if space_id is None:  # a file of the archive reached without the archive's context
            return reverse(
                "api-archive-document-version-download",
                kwargs={"pk": version.document_id, "version_id": version.pk},
            )
        return reverse(
            "api-document-version-download",
            kwargs={"space_id": space_id, "pk": version.document_id, "version_id": version.pk},
        )


class DocumentSerializer(ModelSerializer[Document]):
    folder = serializers.IntegerField(source="folder_id", read_only=True)
    current = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "name", "folder", "current", "created_at", "updated_at", "deleted_at"]
        read_only_fields = fields


class FolderSerializer(ModelSerializer[Folder]):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Folder
        fields = ["id", "name", "parent", "created_at", "updated_at", "deleted_at"]
        read_only_fields = fields


class FolderContentSerializer(FolderSerializer):
    folders = FolderSerializer(many=True, read_only=True)
    files = DocumentSerializer(many=True, read_only=True)
    files_count = serializers.IntegerField(read_only=True)
    abilities = serializers.DictField(child=serializers.BooleanField(), read_only=True)

    class Meta(FolderSerializer.Meta):
        fields = [*FolderSerializer.Meta.fields, "folders", "files", "files_count", "abilities"]
        read_only_fields = fields


class FolderCreateSerializer(Serializer[None]):
    parent = serializers.IntegerField(required=False, help_text="Dossier parent (défaut : racine)")  # type: ignore[assignment]
    name = StrictCharField(max_length=200)


class FolderUpdateSerializer(Serializer[None]):
    name = StrictCharField(max_length=200, required=False)
    parent = serializers.IntegerField(required=False, help_text="Déplacer dans ce dossier")  # type: ignore[assignment]


class FileUpdateSerializer(Serializer[None]):
    name = StrictCharField(max_length=200, required=False)
    folder = serializers.IntegerField(required=False, help_text="Déplacer dans ce dossier")


class UploadSerializer(Serializer[None]):
    file = serializers.FileField()
    name = StrictCharField(max_length=255, required=False, help_text="Défaut : celui du fichier")
    note = StrictCharField(max_length=500, required=False, allow_blank=True)
    on_conflict = serializers.ChoiceField(
        choices=[NEW_VERSION, KEEP_BOTH],
        required=False,
        help_text="Si le nom existe : nouvelle version, ou garder les deux (sinon 409)",
    )


class VersionUploadSerializer(Serializer[None]):
    file = serializers.FileField()
    note = StrictCharField(max_length=500, required=False, allow_blank=True)


class RightSerializer(Serializer[None]):
    user = serializers.IntegerField(allow_null=True, help_text="null : tous les autres membres")
    role = serializers.ChoiceField(choices=FolderRole.choices, allow_null=True)


class BinSerializer(Serializer[Any]):
    folders = FolderSerializer(many=True)
    files = DocumentSerializer(many=True)
