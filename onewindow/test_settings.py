"""Settings for the test suite: the real settings, with a throwaway var folder,
background tasks run inline, text messages kept in memory, and Argon2 at its cheapest
cost (still Argon2)."""

import os
import tempfile

os.environ.setdefault("ONEWINDOW_TASKS_EAGER", "true")
os.environ.setdefault("ONEWINDOW_VAR_DIR", tempfile.mkdtemp(prefix="onewindow-test-"))
os.environ.setdefault("ONEWINDOW_SECRET_KEY", "test-only-secret-key-not-for-production")
# Text messages stay in memory, like Django's test mail (sms.MemoryBackend.outbox).
os.environ.setdefault("ONEWINDOW_SMS_BACKEND", "onewindow.notifications.sms.MemoryBackend")

from onewindow.settings import *  # noqa: F403

PASSWORD_HASHERS = ["onewindow.core.testing.FastArgon2PasswordHasher"]
