"""Settings: base (shared), local (development), test, production. Every value from the environment."""
