"""Presenting a TOTP secret to the person enrolling it."""

from __future__ import annotations

import base64
from urllib.parse import quote

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps expect to type it."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice, account: str) -> str:
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "OneWindow")
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret_base32(device)}"
        f"&issuer={quote(issuer)}&digits={device.digits}&period={device.step}"
    )


def provisioning_qr_svg(device: TOTPDevice, account: str) -> str:
    """Inline SVG of the provisioning URI (no image request leaves the page)."""
    qr = segno.make(provisioning_uri(device, account), error="m")
    return str(qr.svg_inline(scale=4, title="TOTP", dark="#1a1a1a"))
