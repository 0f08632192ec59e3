"""The folder trees, files, versions (with every version's file, `archive_path`), rights and
followers, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import Document, Folder, FolderRight, Follower, Version

register_models("document_folders", Folder)
register_models("document_files", Document)
register_models("document_versions", Version)
register_models("document_rights", FolderRight)
register_models("document_followers", Follower)
