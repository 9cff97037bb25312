"""The French catalogue is complete: every string of the code is translated."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def entries(path):
    """(msgid, [msgstr…], flags) for each entry of a .po file, header excluded."""
    text = path.read_text(encoding="utf-8")
    result = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not key:
            continue
        strings = [
            "".join(re.findall(r'"(.*)"', m))
            for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        ]
        flags = re.findall(r"^#, (.*)$", block, re.M)
        result.append((key, strings, flags))
    return result


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    untranslated = [key for key, strings, _flags in entries(CATALOGUE) if not all(strings)]
    fuzzy = [key for key, _strings, flags in entries(CATALOGUE) if any("fuzzy" in flag for flag in flags)]
    assert untranslated == []
    assert fuzzy == []


def test_french_catalogue_compiles_cleanly():
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    subprocess.run([msgfmt, "--check-format", "-o", "/dev/null", str(CATALOGUE)], check=True)


def test_every_string_of_the_code_is_in_the_french_catalogue(tmp_path, settings, monkeypatch):
    if shutil.which("xgettext") is None:
        pytest.skip("gettext's xgettext is not installed")
    # Extract the strings afresh, in a scratch copy of the sources, so that the
    # committed catalogue is never touched.
    scratch = tmp_path / "project"
    ignored = shutil.ignore_patterns(
        ".*",
        "__pycache__",
        "node_modules",
        "var",
        "staticfiles",
        "bench",
        "scripts",
        "tests",
        "fixtures",
        "*.mo",
    )
    shutil.copytree(settings.BASE_DIR, scratch, ignore=ignored)
    settings.LOCALE_PATHS = [scratch / "locale"]
    monkeypatch.chdir(scratch)
    call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)
    fresh = {
        key for key, _strings, _flags in entries(scratch / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    }
    committed = {key for key, _strings, _flags in entries(CATALOGUE)}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
