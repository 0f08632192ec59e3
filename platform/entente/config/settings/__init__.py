"""Settings: base (shared), local (development), test, production. All from the environment."""
