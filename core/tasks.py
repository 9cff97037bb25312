"""Background tasks of the core: sending email."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject, body, from_email, to, html=None, reply_to=None, headers=None):
    """Send one email through Django's email backend (run by the task worker)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
