"""The server's VAPID keys: made by `manage.py generate_vapid_keys`, read from the environment, made once
and kept under var/ in development so `make run` pushes too, and off (with the reason) otherwise."""

import io
import json

import pytest
from django.core.management import call_command

from feeds.push import is_p256_point, push_off_reason, vapid_keys


def test_generate_vapid_keys_prints_a_usable_pair(settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_vapid_keys", stdout=out, stderr=err)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    assert set(lines) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"}
    assert is_p256_point(lines["VAPID_PUBLIC_KEY"])
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = (
        lines["VAPID_PUBLIC_KEY"],
        lines["VAPID_PRIVATE_KEY"],
    )
    keys = vapid_keys()
    assert keys is not None and keys.public_key == lines["VAPID_PUBLIC_KEY"] and push_off_reason() is None
    assert "secret" in err.getvalue()


def test_development_keys_are_made_once_and_kept(settings, tmp_path):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = True
    settings.VAPID_DEV_KEYS_FILE = tmp_path / "var" / "vapid-dev-keys.json"
    first = vapid_keys()
    assert first is not None and push_off_reason() is None
    kept = json.loads(settings.VAPID_DEV_KEYS_FILE.read_text())
    assert kept["public_key"] == first.public_key
    settings.VAPID_DEV_KEYS_FILE = tmp_path / "var" / "vapid-dev-keys.json"  # a fresh look (same file)
    settings.VAPID_SUBJECT = "mailto:someone-else@example.com"
    again = vapid_keys()
    assert again.public_key == first.public_key and again.subject == "mailto:someone-else@example.com"


@pytest.mark.parametrize(
    ("public", "private", "reason"),
    [
        ("", "", "generate_vapid_keys"),
        ("BAx", "", "set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY"),
        ("not-a-key", "c2hvcnQ", "VAPID_PUBLIC_KEY is not"),
    ],
    ids=["none", "one", "malformed"],
)
def test_without_good_keys_push_is_off_and_says_why(settings, public, private, reason):
    settings.DEBUG = False
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    assert vapid_keys() is None
    assert reason in push_off_reason()


def test_development_keys_that_cannot_be_kept_turn_push_off_with_the_reason(settings, tmp_path):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = True
    (tmp_path / "var").write_text("a file where the folder should be")
    settings.VAPID_DEV_KEYS_FILE = tmp_path / "var" / "vapid-dev-keys.json"
    assert vapid_keys() is None
    assert "development keys could not be kept" in push_off_reason()
