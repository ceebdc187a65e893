"""Masking of personal identifiers for display to people not entitled to see them."""


def mask_identity_number(value: str | None) -> str:
    """``310101199003071234`` → ``310***********1234``: region prefix and last four kept."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str | None) -> str:
    """``wang.xiaoming@example.cn`` → ``w***@example.cn``: enough for its owner to know
    which mailbox to look in, not to learn the address."""
    if not value or "@" not in value:
        return ""
    local, _at, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"
