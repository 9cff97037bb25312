"""Single-use links: an unguessable token goes in the email, only its hash is stored."""

import hashlib
import secrets


def new_token():
    """An unguessable token (256 bits) and the hash we store instead of it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token):
    """The SHA-256 of a token, as stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()
