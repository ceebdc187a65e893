"""Settings for the test suite: the real settings, with a throwaway var folder,
background tasks run inline, and Argon2 at its cheapest cost (still Argon2)."""

import os
import tempfile

os.environ.setdefault("ONEWINDOW_TASKS_EAGER", "true")
os.environ.setdefault("ONEWINDOW_VAR_DIR", tempfile.mkdtemp(prefix="onewindow-test-"))
os.environ.setdefault("ONEWINDOW_SECRET_KEY", "test-only-secret-key-not-for-production")

from onewindow.settings import *  # noqa: F403

PASSWORD_HASHERS = ["onewindow.core.testing.FastArgon2PasswordHasher"]
