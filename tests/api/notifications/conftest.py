from tests.entente.notifications.conftest import eager  # noqa: F401  (shared fixtures)
from tests.entente.tasks.conftest import _media_root, world  # noqa: F401
