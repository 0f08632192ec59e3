from tests.entente.mywork.conftest import world  # noqa: F401  (shared fixture)
