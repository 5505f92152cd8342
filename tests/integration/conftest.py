"""Integration fixtures live in tests/conftest.py (shared with e2e); re-exported for imports."""
from tests.conftest import ADMIN_PASSWORD, login  # noqa: F401
