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
