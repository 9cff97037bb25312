"""Helpers shared by the end-to-end browser tests: the second factor, the emails the live
server sent, pages loaded by a click, logging in. The `browsing` fixtures are in conftest.py."""

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core import mail
from playwright.sync_api import expect

from tests.support import PASSWORD

TOTP_PERIOD = 30


# The second factor ----------------------------------------------------------------


def totp_secret(user):
    """The secret of the user's authenticator app."""
    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def totp_code(secret):
    """The code the authenticator app shows now. allauth accepts the current period
    only (no tolerance): when this one ends within 3 s, wait for the next one."""
    if TOTP_PERIOD - time.time() % TOTP_PERIOD < 3:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


# Emails -------------------------------------------------------------------------


def _is_about(message, subject):
    if isinstance(subject, re.Pattern):
        return subject.search(message.subject) is not None
    return subject.lower() in message.subject.lower()


def email_to(address, subject):
    """The only email sent to `address` whose subject contains `subject` (a text, in any
    case) or matches it (a compiled pattern)."""
    found = [message for message in mail.outbox if address in message.to and _is_about(message, subject)]
    about = subject.pattern if isinstance(subject, re.Pattern) else subject
    assert len(found) == 1, f"{len(found)} email(s) to {address} about {about!r}: " + ", ".join(
        f"{message.to} {message.subject!r}" for message in mail.outbox
    )
    return found[0]


def link_in(message, browsing, path_prefix):
    """The path of the link to `path_prefix` in an email; it must lead to this site."""
    match = re.search(r"(https?://[^/\s]+)(" + re.escape(path_prefix) + r"\S*)", message.body)
    assert match, f"No link to {path_prefix} in:\n{message.body}"
    assert match.group(1) == browsing.origin, f"The link leads to {match.group(1)}, not {browsing.origin}."
    return match.group(2)


# Pages --------------------------------------------------------------------------


def submit(browsing, control):
    """Click a button (or a link) that loads another page, then check that page."""
    with browsing.page.expect_navigation():
        control.click()
    browsing.check_page()
    return browsing.page


def log_in(browsing, email, *, totp=None):
    """Fill and send the login form shown by the page, then, given the secret of
    the user's authenticator app (`totp`), the second factor."""
    page = browsing.page
    expect(page.locator("h1")).to_have_text("Connexion")
    form = page.locator("main form")
    form.get_by_label("Courriel").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    page = submit(browsing, form.get_by_role("button", name="Connexion"))
    if totp:
        expect(page).to_have_url(re.compile("/compte/2fa/authenticate/$"))
        form = page.locator("main form").first
        form.get_by_label("Code").fill(totp_code(totp))
        page = submit(browsing, form.get_by_role("button", name="Connexion"))
    return page
