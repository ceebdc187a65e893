from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from onewindow.conftest import proposed_chinese
from onewindow.identity.tests.chinese import PROPOSED_ZH


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the identity messages as proposed in ``chinese.py``,
    which the committed .po does not carry yet; everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """No test starts with the registration refusals an earlier one counted: the test
    client always comes from 127.0.0.1, and the count outlives the test's database."""
    cache.clear()
    yield
    cache.clear()
