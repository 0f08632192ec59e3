from tests.entente.citizens.conftest import project  # noqa: F401  (fixture)
