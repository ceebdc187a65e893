import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.cn import ric, uscc

from onewindow.identity.validators import clean_resident_id, clean_uscc


def with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


VALID_ID = with_check_digit("31010119900307123")


def test_valid_identity_number_is_returned_compact():
    assert clean_resident_id(f" {VALID_ID[:6]} {VALID_ID[6:]} ") == VALID_ID


def test_lowercase_x_check_digit_is_accepted():
    body = next(
        b for n in range(1000) if ric.calc_check_digit((b := f"31010119900307{n:03d}") + "0") == "X"
    )
    assert clean_resident_id(body + "x") == body + "X"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"), "checksum"),
        (with_check_digit("31010119901332123"), "birth_date"),  # month 13
        (with_check_digit("31010119900230123"), "birth_date"),  # 30 February
        (with_check_digit("99999919900307123"), "region"),
        (with_check_digit("31010320150307123"), "region_retired"),  # 卢湾区 until 2011
        ("3101011990030712", "length"),
        ("31010119900307123456", "length"),
    ],
)
def test_bad_identity_numbers_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_resident_id(value)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("body", "stdnum_alone_accepts"),
    [
        ("31011519900101103", False),  # 浦东新区's code (1992 on), its holder born in 1990
        ("31022519750307123", False),  # 南汇县 (1982-2001), its holder born before it
        ("31010319800307123", True),  # 卢湾区 (until 2011), born while it was in use
    ],
)
def test_a_region_code_given_after_the_birth_year_is_genuine(body, stdnum_alone_accepts):
    # python-stdnum wants the code in use in the birth year; numbers are given later.
    number = with_check_digit(body)
    assert ric.is_valid(number) is stdnum_alone_accepts
    assert clean_resident_id(number) == number


def test_identity_number_message_in_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            clean_resident_id(VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"))
        # The message is lazy: render it while Chinese is active.
        message = str(excinfo.value.messages[0])
    assert "校验" in message


def test_valid_credit_code():
    body = "91310000MA1K00001"
    code = body + uscc.calc_check_digit(body)
    assert clean_uscc(code) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91310000MA1K00001" + "0", "checksum"),
        ("91310000MA1K0000", "length"),
    ],
)
def test_bad_credit_codes(value, code):
    body = "91310000MA1K00001"
    if code == "checksum" and uscc.calc_check_digit(body) == "0":
        value = body + "1"
    with pytest.raises(ValidationError) as excinfo:
        clean_uscc(value)
    assert excinfo.value.code == code
