"""Emails: rendered in the recipient's language, sent by the task queue."""

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from .tasks import send_email


def email_message_enqueue(message):
    """Queue an already rendered EmailMessage (allauth's, for instance)."""
    html = None
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    send_email.enqueue(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        html=html,
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
    )


def render_text(name, context):
    """A plain-text template (a subject, a body): nothing HTML-escaped, whatever the
    template says ("L'Abergement", never "L&#x27;Abergement")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def email_send(*, template, to, context, language=None, reply_to=None, attachments=None):
    """Render templates/<template>_subject.txt and _body.txt, then queue the email.

    `to` is an address or a user; a user's own language is used when none is given.
    `reply_to`: a list of addresses the recipient's answer goes to (not shown in the body).
    `attachments`: a list of (filename, text content, mimetype), sent with the email.
    """
    address = getattr(to, "email", to)
    language = language or getattr(to, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_text(f"{template}_subject.txt", context).strip()
        body = render_text(f"{template}_body.txt", context)
    subject = " ".join(subject.splitlines())
    send_email.enqueue(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        reply_to=list(reply_to or []),
        **({"attachments": [list(attachment) for attachment in attachments]} if attachments else {}),
    )
