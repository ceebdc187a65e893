import pytest

from onewindow.core.numbers import MAX_DIGITS, whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        (" 42 ", 42),
        ("０７", 7),  # full-width, as a Chinese input method types them
        ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)),
        ("9" * (MAX_DIGITS + 1), None),
        ("9" * 5000, None),  # int() refuses over 4,300 digits
        ("²", None),  # isdigit() is true of these; int() refuses them
        ("①", None),
        ("٣", None),  # another script's digit: not what anyone here types
        ("-1", None),
        ("1.5", None),
        ("", None),
    ],
)
def test_whole_numbers(text, expected):
    assert whole_number(text) == expected
