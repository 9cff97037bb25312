"""Uploaded files: type checked by content, size limited, served with safe headers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import UploadValidator, random_name, sniff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def test_types_are_recognised_by_their_content_not_their_name():
    assert sniff(PNG) == "image/png"
    assert sniff(PDF) == "application/pdf"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
    assert sniff(HTML) is None


def test_validator_refuses_a_script_named_like_an_image():
    validator = UploadValidator(types=["image/png"])
    with pytest.raises(ValidationError) as error:
        validator(SimpleUploadedFile("logo.png", HTML))
    assert error.value.code == "bad_type"


def test_validator_refuses_a_file_over_the_limit():
    validator = UploadValidator(types=["image/png"], max_bytes=32)
    with pytest.raises(ValidationError) as error:
        validator(SimpleUploadedFile("logo.png", PNG))
    assert error.value.code == "too_large"


def test_validator_accepts_an_allowed_file_and_leaves_it_readable():
    upload = SimpleUploadedFile("logo.png", PNG)
    UploadValidator(types=["image/png"])(upload)
    assert upload.read() == PNG


def test_stored_names_are_random_and_keep_only_known_extensions():
    first, second = random_name("logos", "../../etc/passwd.png"), random_name("logos", "x.png")
    assert first.startswith("logos/") and first.endswith(".png") and ".." not in first
    assert first != second
    assert not random_name("logos", "shell.php").endswith(".php")


def test_uploaded_image_is_served_inline_with_safe_headers(client):
    name = default_storage.save("logos/abc.png", SimpleUploadedFile("abc.png", PNG))
    response = client.get(f"/fichiers/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("inline")


def test_pdf_is_served_as_an_attachment(client):
    name = default_storage.save("scans/abc.pdf", SimpleUploadedFile("abc.pdf", PDF))
    response = client.get(f"/fichiers/{name}")
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_whose_content_is_not_accepted_is_never_served(client):
    default_storage.save("logos/evil.png", SimpleUploadedFile("evil.png", HTML))
    assert client.get("/fichiers/logos/evil.png").status_code == 404


@pytest.mark.parametrize(
    "path", ["/fichiers/../settings.py", "/fichiers/logos/missing.png", "/fichiers/x.html"]
)
def test_unknown_or_unsafe_paths_are_not_found(client, path):
    assert client.get(path).status_code == 404


# Office documents (ZIP containers) and text ------------------------------------------------


def _zip(entries):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt_bytes(mime="application/vnd.oasis.opendocument.text"):
    return _zip({"mimetype": mime, "content.xml": "<office:document-content/>"})


def ooxml_bytes(part="word/document.xml", kind="wordprocessingml.document"):
    content_types = (
        '<?xml version="1.0"?><Types><Override PartName="/%s" ContentType='
        '"application/vnd.openxmlformats-officedocument.%s.main+xml"/></Types>' % (part, kind)
    )
    return _zip({"[Content_Types].xml": content_types, part: "<document/>"})


OFFICE = [
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
    "text/csv",
]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("note.odt", odt_bytes(), OFFICE[0]),
        ("table.ods", odt_bytes(OFFICE[1]), OFFICE[1]),
        ("note.docx", ooxml_bytes(), OFFICE[2]),
        ("table.xlsx", ooxml_bytes("xl/workbook.xml", "spreadsheetml.sheet"), OFFICE[3]),
        ("note.txt", "Compte rendu — réunion\n".encode(), "text/plain"),
        ("liste.csv", b"nom;ville\nAwa;Saint-Denis\n", "text/csv"),
    ],
)
def test_office_documents_and_text_are_recognised_by_their_content(name, content, mime):
    from core.uploads import sniff_file

    upload = SimpleUploadedFile(name, content)
    UploadValidator(types=OFFICE)(upload)
    assert sniff_file(upload, name, OFFICE) == mime
    assert upload.read() == content


@pytest.mark.parametrize(
    "content",
    [
        _zip({"content.xml": "<x/>"}),  # a ZIP that is no document
        _zip({"mimetype": "application/epub+zip"}),  # another OpenDocument-like container
        _zip({"[Content_Types].xml": '"/word/document.xml"'}),  # declares a part it lacks
        b"PK\x03\x04 broken archive",
        b"texte\x00binaire",  # NUL
        b"caf\xe9 en latin-1",  # not UTF-8
    ],
)
def test_fake_office_documents_and_binary_text_are_refused(content):
    with pytest.raises(ValidationError) as error:
        UploadValidator(types=OFFICE)(SimpleUploadedFile("note.docx", content))
    assert error.value.code == "bad_type"


def test_text_is_not_accepted_where_only_images_are():
    with pytest.raises(ValidationError):
        UploadValidator(types=["image/png", "application/pdf"])(SimpleUploadedFile("a.txt", b"hello"))


def test_a_stored_office_document_is_served_as_an_attachment_of_its_type():
    from core.uploads import file_response

    name = default_storage.save("chantiers/abc.odt", SimpleUploadedFile("abc.odt", odt_bytes()))
    response = file_response(name, download_name="compte-rendu.odt")
    assert response.status_code == 200
    assert response["Content-Type"] == OFFICE[0]
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.odt"'
    response.file_to_stream.close()  # not response.close(): that signals the end of a request


def test_a_stored_html_file_is_never_served_as_text():
    from django.http import Http404

    from core.uploads import file_response

    default_storage.save("chantiers/evil.png", SimpleUploadedFile("evil.png", HTML))
    with pytest.raises(Http404):
        file_response("chantiers/evil.png")


@pytest.mark.parametrize("name", ["rapport.pdf", "page.txt", "page.csv", "note"])
def test_a_page_is_never_taken_for_text_nor_text_without_its_name(name):
    content = HTML if name != "note" else b"just some text"
    with pytest.raises(ValidationError):
        UploadValidator(types=OFFICE)(SimpleUploadedFile(name, content))
