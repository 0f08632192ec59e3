from tests.support.actors import actors  # noqa: F401
