import json
import re
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from stdnum.cn import ric, uscc

from onewindow.identity.validators import (
    MOBILE_PHONE,
    clean_mobile_phone,
    clean_resident_id,
    clean_uscc,
    resident_id_characters,
    validate_resident_id,
    validate_username,
)


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


# 2026-03-07 in Shanghai, though still the 6th in UTC.
SHANGHAI_7_MARCH = "2026-03-06T17:00:00Z"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # As QA typed them: check digits right, birth dates nobody has.
        ("31010120300101213X", "birth_date_future"),
        ("310101209912310012", "birth_date_future"),
        ("310101180001012130", "birth_date_too_early"),
        (with_check_digit("31010118991231123"), "birth_date_too_early"),
        # A birth date no one has is named before a region code retired "before" it.
        (with_check_digit("31010320300307123"), "birth_date_future"),  # 卢湾区 until 2011
    ],
)
def test_a_birth_date_in_the_future_or_before_1900_is_refused(value, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_resident_id(value)
    assert excinfo.value.code == code
    with pytest.raises(ValidationError):  # the model field's validator: the same rule
        validate_resident_id(value)


@time_machine.travel(SHANGHAI_7_MARCH)
@pytest.mark.parametrize(
    ("birth", "accepted"),
    [
        ("20260307", True),  # born today in the city: a newborn's number
        ("20260308", False),
        ("19000101", True),
        ("18991231", False),
    ],
)
def test_birth_dates_from_1900_to_the_citys_today_are_accepted(birth, accepted):
    number = with_check_digit(f"310101{birth}123")
    if accepted:
        assert clean_resident_id(number) == number
    else:
        with pytest.raises(ValidationError):
            clean_resident_id(number)


def test_the_birth_date_messages_say_which_bound(chinese):
    with translation.override("en"):
        with pytest.raises(ValidationError) as future:
            clean_resident_id("31010120300101213X")
        assert future.value.messages == ["The birth date in this identity number is in the future."]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as early:
            clean_resident_id("310101180001012130")
        assert early.value.messages == ["身份证号码中的出生日期早于 1900 年。"]


def test_the_application_forms_identity_answers_get_the_birth_date_rule(chinese):
    # The forms app's "cn-id" format is this validator, with its message.
    from onewindow.forms.validation import FORMAT_CHECKER

    assert not FORMAT_CHECKER.conforms("31010120300101213X", "cn-id")
    assert not FORMAT_CHECKER.conforms("310101180001012130", "cn-id")
    assert FORMAT_CHECKER.conforms(VALID_ID, "cn-id")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),  # the country code without its +: no other reading
        ("１３８１２３４５６７８", "13812345678"),  # full-width, from a Chinese input method
        ("19912345678", "19912345678"),
    ],
)
def test_a_mobile_number_is_kept_as_its_11_digits(typed, stored):
    assert clean_mobile_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12",
        "abc-123",
        "12812345678",  # no mobile number starts 12
        "1381234567",
        "138123456789",
        "021-12345678",  # a landline
        "86138123456789",  # 86 before 12 digits: no mobile number
        "138\t1234 5678",  # a control character is refused, not dropped
        "+85 13812345678",
        "138 1234 567a",
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to \d, not to a phone
    ],
)
def test_anything_but_a_mobile_number_is_refused(typed):
    with pytest.raises(ValidationError) as excinfo:
        clean_mobile_phone(typed)
    assert excinfo.value.code == "mobile_phone"


def test_the_mobile_number_message_in_chinese(chinese):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            clean_mobile_phone("abc-123")
        assert excinfo.value.messages == ["请输入 11 位手机号码，例如 13812345678。"]


DEFINITIONS = Path(__file__).resolve().parents[2] / "forms" / "definitions"


def _phone_patterns() -> list[str]:
    """The patterns of the application forms' answers an account's phone prefills."""
    patterns = []
    for path in sorted(DEFINITIONS.glob("*.json")):
        properties = json.loads(path.read_text())["schema"]["properties"]
        patterns += [
            prop["pattern"]
            for prop in properties.values()
            if prop.get("x-prefill") == "applicant.phone"
        ]
    return patterns


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "+86 199 0000 0000",
        "１３８-１２３４-５６７８",
        "12812345678",
        "1381234567",
        "abc-123",
        "02112345678",
    ],
)
def test_a_number_an_account_keeps_prefills_the_application_forms_validly(typed):
    patterns = _phone_patterns()
    assert patterns, "no form prefills the applicant's phone any more"
    try:
        stored = clean_mobile_phone(typed)
    except ValidationError:
        # Refused here: the forms would refuse it too (it prefills nothing then).
        compact = re.sub(r"[\s-]", "", typed)
        assert not any(re.search(pattern, compact) for pattern in patterns)
        return
    assert MOBILE_PHONE.fullmatch(stored)
    assert all(re.search(pattern, stored) for pattern in patterns)


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


QA_ID = "11010519491231002X"  # QA's: 朝阳区, born 1949-12-31, X for a check digit


@pytest.mark.parametrize(
    "typed",
    [
        "110105 19491231 002X",
        "110105-19491231-002X",
        "110105\u201319491231\u2013002X",  # en dashes, which look like hyphens
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width, from a Chinese input method
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lower-case x
        "１１０１０５\u3000１９４９１２３１\u3000００２Ｘ",  # ideographic spaces
        "１１０１０５－１９４９１２３１－００２Ｘ",  # full-width hyphens
        " 11010519491231002x ",
    ],
)
def test_an_identity_number_is_read_as_people_type_it(typed):
    assert clean_resident_id(typed) == QA_ID


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("110105\t19491231002X", "length"),  # a control character is kept, not dropped
        ("110105/19491231/002X", "length"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "format"),  # Arabic-Indic digits are no identity number's
        ("11010519491231002Y", "checksum"),  # upper-casing makes no Y an X
    ],
)
def test_only_spaces_and_hyphens_are_read_past(typed, code):
    with pytest.raises(ValidationError) as excinfo:
        clean_resident_id(typed)
    assert excinfo.value.code == code


def test_the_characters_of_a_typed_identity_number():
    assert resident_id_characters("１１０１０５ １９４９-１２３１ ００２ｘ") == QA_ID


@pytest.mark.parametrize("name", ["wang", "王小明", "wang.xm@家", "李_4+", "ÉLODIE-1"])
def test_a_user_name_may_hold_letters_of_any_script(name):
    validate_username(name)


@pytest.mark.parametrize("name", ["王 小明", "wang!", "a/b", "名字。"])
def test_a_user_name_with_other_characters_says_what_is_allowed(name, chinese):
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            validate_username(name)
        assert excinfo.value.messages == [
            "Use only letters (Chinese characters too), digits and the characters "
            "@ . + - _ in a user name."
        ]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            validate_username(name)
        assert excinfo.value.messages == ["用户名只能包含汉字、字母、数字和字符 @ . + - _。"]
        assert "英文" not in excinfo.value.messages[0]


def test_the_user_name_rule_is_the_models():
    from django.core.validators import RegexValidator

    from onewindow.identity.models import User

    [model_rule] = [
        rule
        for rule in User._meta.get_field("username").validators
        if isinstance(rule, RegexValidator)
    ]
    assert (validate_username.regex.pattern, validate_username.flags) == (
        model_rule.regex.pattern,
        model_rule.flags,
    )
