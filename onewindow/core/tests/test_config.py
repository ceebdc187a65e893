from pathlib import Path

import pytest

from onewindow import profiles
from onewindow.config import BASE_DIR, SETTINGS, markdown_table, read_all


def test_readme_lists_every_environment_variable():
    readme = (BASE_DIR / "README.md").read_text()
    assert markdown_table() in readme, "run `manage.py settings_table` and paste it in README"


def test_defaults_give_the_embedded_profile(tmp_path: Path):
    env = read_all({})
    assert profiles.database_settings(env, tmp_path)["ENGINE"] == "django.db.backends.sqlite3"
    assert profiles.storage_settings(env)["BACKEND"].endswith("FileSystemStorage")
    assert profiles.broker_settings(env, tmp_path)["CELERY_BROKER_URL"] == "onewindow-folder://"
    assert profiles.email_settings(env, tmp_path)["EMAIL_BACKEND"].endswith(
        "filebased.EmailBackend"
    )


def test_production_profile_from_environment(tmp_path: Path):
    env = read_all(
        {
            "ONEWINDOW_DATABASE_URL": "postgres://ow:secret@db.internal:5432/onewindow",
            "ONEWINDOW_BROKER_URL": "redis://cache.internal:6379/0",
            "ONEWINDOW_STORAGE": "s3",
            "ONEWINDOW_S3_BUCKET": "onewindow-files",
            "ONEWINDOW_S3_ENDPOINT_URL": "https://oss.example.gov",
            "ONEWINDOW_EMAIL_URL": "smtp://mailer:p%40ss@smtp.example.gov:587?tls=1",
        }
    )
    database = profiles.database_settings(env, tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"], database["USER"]) == (
        "db.internal",
        "onewindow",
        "ow",
    )
    assert profiles.broker_settings(env, tmp_path) == {
        "CELERY_BROKER_URL": "redis://cache.internal:6379/0"
    }
    storage = profiles.storage_settings(env)
    assert storage["OPTIONS"]["bucket_name"] == "onewindow-files"
    assert storage["OPTIONS"]["querystring_auth"] is True
    email = profiles.email_settings(env, tmp_path)
    assert (
        email["EMAIL_HOST"],
        email["EMAIL_PORT"],
        email["EMAIL_HOST_PASSWORD"],
        email["EMAIL_USE_TLS"],
    ) == ("smtp.example.gov", 587, "p@ss", True)
    assert email["EMAIL_TIMEOUT"] == 30  # a hung server must not hold an outbox row for ever


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"ONEWINDOW_DEBUG": "maybe"}, "ONEWINDOW_DEBUG"),
        ({"ONEWINDOW_API_TOKEN_HOURS": "eight"}, "ONEWINDOW_API_TOKEN_HOURS"),
    ],
)
def test_bad_values_name_the_variable(environ, message):
    with pytest.raises(ValueError, match=message):
        read_all(environ)


def test_bad_storage_and_email_are_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="local' or 's3"):
        profiles.storage_settings(read_all({"ONEWINDOW_STORAGE": "ftp"}))
    with pytest.raises(ValueError, match="BUCKET"):
        profiles.storage_settings(read_all({"ONEWINDOW_STORAGE": "s3"}))
    with pytest.raises(ValueError, match="smtp://"):
        profiles.email_settings(read_all({"ONEWINDOW_EMAIL_URL": "pop3://x"}), tmp_path)


def test_every_setting_is_documented():
    for setting in SETTINGS:
        assert setting.name.startswith("ONEWINDOW_")
        assert len(setting.meaning) > 10
