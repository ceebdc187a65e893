from __future__ import annotations

from collections.abc import Iterator

import pytest

from onewindow.conftest import proposed_chinese
from onewindow.identity.tests.chinese import PROPOSED_ZH


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the identity messages as proposed in ``chinese.py``,
    which the committed .po does not carry yet; everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield
