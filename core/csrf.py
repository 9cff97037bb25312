"""CSRF tokens for the pages served from the whole-page cache (core/pagecache.py): each visitor
gets their own token in the stored page's forms, made as Django makes them (the CSRF
middleware checks them as any other) but from one read of the system's random source."""

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

# Random bytes to CSRF_ALLOWED_CHARS in one `bytes.translate`: the bytes at or over the
# largest multiple of 62 are dropped, so that every character is as likely.
_CSRF_BYTES = bytes(ord(CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]) for byte in range(256))
_CSRF_DROPPED = bytes(range(256 - 256 % len(CSRF_ALLOWED_CHARS), 256))


def _random_chars(length: int) -> str:
    """`length` characters drawn uniformly from CSRF_ALLOWED_CHARS, from one read of the
    system's random source (Django's get_random_string reads it once per character, which
    made a third of a cached page's cost)."""
    picked = b""
    while len(picked) < length:
        picked += os.urandom(2 * length).translate(_CSRF_BYTES, _CSRF_DROPPED)
    return picked[:length].decode("ascii")


def visitor_token(request: HttpRequest) -> str:
    """django.middleware.csrf.get_token, with the same secret, mask and cipher (the CSRF
    middleware checks the forms' tokens as any other), made from faster randomness."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask, chars = _random_chars(CSRF_SECRET_LENGTH), CSRF_ALLOWED_CHARS
    cipher = "".join(
        chars[(chars.index(x) + chars.index(y)) % len(chars)] for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher
