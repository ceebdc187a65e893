from pathlib import Path

import pytest

from onewindow import profiles
from onewindow.config import read_all
from onewindow.notifications.sms import FileBackend, get_backend, sms_enabled


def test_the_file_backend_writes_one_file_per_send(settings, tmp_path):
    settings.SMS_BACKEND = "onewindow.notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    backend = get_backend()
    assert isinstance(backend, FileBackend)
    backend.send("13800000000", "【一网通办】您的办件有新进展", "12.abc")
    backend.send("13800000000", "【一网通办】您的办件有新进展", "12.abc")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    text = files[0].read_text(encoding="utf-8")
    assert "To: 13800000000" in text and "Idempotency-Key: 12.abc" in text
    assert text.endswith("【一网通办】您的办件有新进展\n")


def test_null_disables_sms(settings):
    settings.SMS_BACKEND = ""
    assert not sms_enabled()
    with pytest.raises(RuntimeError, match="no SMS backend"):
        get_backend()


def test_settings_from_the_environment(tmp_path: Path):
    def chosen(value: str | None) -> str:
        environ = {} if value is None else {"ONEWINDOW_SMS_BACKEND": value}
        return profiles.sms_settings(read_all(environ), tmp_path)["SMS_BACKEND"]

    assert chosen(None) == "onewindow.notifications.sms.FileBackend"
    assert chosen("null") == "" and chosen("") == ""
    assert chosen("gov.sms.ProviderBackend") == "gov.sms.ProviderBackend"
    with pytest.raises(ValueError, match="ONEWINDOW_SMS_BACKEND"):
        chosen("provider")
    assert profiles.sms_settings(read_all({}), tmp_path)["SMS_FILE_PATH"] == tmp_path / "sms"
