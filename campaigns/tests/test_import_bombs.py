"""Spreadsheet bombs through both imports: the campaign's import page answers at once with
the French refusal on the form (not a worker tied up, then a 500), and keeps no job; the
import of declared commitments refuses them the same way (core.workbooks' bounds)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import ImportJob
from commitments import imports as declaration_imports
from core.tests.test_spreadsheet_bombs import HEADER, data_rows, workbook
from tests.support import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

MEGABYTE = b"A" * 1024 * 1024


def bombs():
    wide = workbook([HEADER, *data_rows(1_000)], dimension="A1:XFD1048576")
    strings = workbook(strings=[b"code_insee", *([MEGABYTE] * 300)])
    return [("colonne XFD", wide), ("trop volumineux une fois décompressé", strings)]


def test_the_import_page_refuses_a_bomb_with_a_french_message(campaign, coordinator):
    client = browser(coordinator)
    client.cookies.load({"django_language": "fr"})
    for expected, data in bombs():
        response = client.post(
            campaign.get_absolute_url() + "import/", {"file": SimpleUploadedFile("bombe.xlsx", data)}
        )

        assert response.status_code == 200
        assert expected in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_of_declarations_refuses_a_bomb(settings):
    settings.LANGUAGE_CODE = "fr"
    for expected, data in bombs():
        with pytest.raises(declaration_imports.ImportFileError, match=expected):
            declaration_imports.import_check(SimpleUploadedFile("bombe.xlsx", data))
