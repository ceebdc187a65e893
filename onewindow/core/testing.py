"""Helpers shared by the test suites of every app."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost, so the suite can create hundreds of users."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
