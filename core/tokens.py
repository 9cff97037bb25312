"""Single-use links: an unguessable token goes in the email, only its hash is stored."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits: 43 characters in the link
# Longer than any token new_token() makes: a longer one (from a URL) is refused before hashing.
TOKEN_MAX_LENGTH = 100


def new_token() -> tuple[str, str]:
    """An unguessable token (256 bits) and the hash we store instead of it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()
