"""Chinese texts of the identity app's new messages, as proposed for
``locale/zh_Hans/LC_MESSAGES/django.po``. The ``chinese`` fixture adds them to the
compiled catalogue, so the tests can check the Chinese pages before the .po file carries
them. Plural msgids are ``(singular, plural)`` tuples (Chinese has one form)."""

from __future__ import annotations

PROPOSED_ZH: dict[str | tuple[str, str], str] = {
    # Identity numbers whose birth date nobody has.
    "The birth date in this identity number is in the future.": (
        "身份证号码中的出生日期晚于今天。"
    ),
    "The birth date in this identity number is before 1900.": (
        "身份证号码中的出生日期早于 1900 年。"
    ),
    # Mobile numbers, in the words of the application forms' phone answers.
    "Enter an 11-digit mobile number, like 13812345678.": (
        "请输入 11 位手机号码，例如 13812345678。"
    ),
    # Passwords: Django's too-short message in our words.
    (
        "This password is too short: it needs at least %(min_length)d character.",
        "This password is too short: it needs at least %(min_length)d characters.",
    ): "密码太短，至少需要 %(min_length)d 个字符。",
    (
        "Your password needs at least %(min_length)d character.",
        "Your password needs at least %(min_length)d characters.",
    ): "密码至少需要 %(min_length)d 个字符。",
}
