from tests.entente.documents.conftest import _media_root, world  # noqa: F401  (shared fixtures)
