"""Background tasks of campaigns: the confirmation of a signed bulletin, with its PDF; the
letter kit; the spreadsheet imports.

The two emails with a PDF are sent here, not by core.tasks.send_email (a PDF is no task
argument): when the mail server cannot take them now, the whole task is queued again later
with the same backoff (core.tasks.retry_later), which makes new links — the ones of the
failed attempt were never sent — and tells the group's coordinators only once it is sent."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django_tasks import task
from django_tasks.signals import task_finished

from commitments.models import Commitment
from commitments.queries import commitment_for_document
from core.emails import email_send, render_text
from core.tasks import retry_later
from core.tokens import new_token

from .pdf import render_pdf


def _reply_to(commitment):
    """A signatory answers the group (its contact, else who sent the signature link)."""
    from .models import SignatureInvitation
    from .services.invitations import reply_to_of

    invitation = SignatureInvitation.objects.filter(commitment=commitment).select_related("sent_by").first()
    return reply_to_of(commitment.target, invitation.sent_by if invitation else None)


@task()
def send_signature_confirmation(*, commitment_id, email, manager_ids, site_url, attempt=1):
    """Email the signatory their bulletin as a PDF with a link to withdraw it, and tell
    the group's coordinators. The withdrawal token is made here, so that the task's
    stored arguments never hold it; only its hash is kept."""
    commitment = commitment_for_document(commitment_id)
    if commitment is None or commitment.withdrawn_at is not None:
        return 0
    token, hashed = new_token()
    Commitment.objects.filter(pk=commitment.pk).update(withdraw_token_hash=hashed)
    withdraw_url = site_url + reverse("campaigns:withdraw", args=[token])
    target_url = site_url + commitment.target.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        context = {"commitment": commitment, "withdraw_url": withdraw_url, "target_url": target_url}
        pdf = render_pdf("campaigns/bulletin_pdf.html", {**context, "items": commitment.items.all()})
        subject = render_text("campaigns/emails/signature_confirmation_subject.txt", context).strip()
        body = render_text("campaigns/emails/signature_confirmation_body.txt", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.splitlines()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        reply_to=_reply_to(commitment),
    )
    message.attach(f"bulletin-{commitment.target.commune.code}-{commitment.pk}.pdf", pdf, "application/pdf")
    try:
        sent = message.send()
    except Exception as error:
        arguments = {"commitment_id": commitment_id, "email": email, "manager_ids": manager_ids}
        if retry_later(send_signature_confirmation, error, attempt=attempt, site_url=site_url, **arguments):
            return 0
        raise
    for user in get_user_model().objects.filter(pk__in=manager_ids, is_active=True):
        email_send(
            template="campaigns/emails/signature_notification",
            to=user,
            context={"commitment": commitment, "url": target_url},
        )
    return sent


@task()
def send_letter_kit(*, invitation_ids, reply_to, site_url, attempt=1):
    """Email the letter kit with its signature links (campaigns.services.kit_deliver)."""
    from .services.invitations import kit_deliver

    arguments = {"invitation_ids": invitation_ids, "reply_to": reply_to, "site_url": site_url}
    try:
        return kit_deliver(**arguments)
    except Exception as error:
        if retry_later(send_letter_kit, error, attempt=attempt, **arguments):
            return 0
        raise


@task()
def apply_import(*, job_id):
    """Apply a checked spreadsheet (campaigns.services.import_job_run)."""
    from .services import import_job_run

    job = import_job_run(job_id)
    return job.status if job else None


@receiver(task_finished)
def apply_import_failed(sender, task_result, **kwargs):
    """An import's task that failed (killed too many times, or raised) leaves no job
    pending: the job's page says what happened."""
    from django_tasks import TaskResultStatus

    from core.tasks import TaskInterrupted

    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not apply_import.func:
        return
    from .services.imports import import_job_interrupted

    error = task_result.errors[-1].exception_class_path if task_result.errors else ""
    interrupted = error == f"{TaskInterrupted.__module__}.{TaskInterrupted.__qualname__}"
    import_job_interrupted(task_result.kwargs["job_id"], interrupted=interrupted)


@task(priority=-10)
def build_campaign_export(*, campaign_id, values, version=None):
    """Build a campaign's export files (campaigns.export_files.build): after the emails
    (a lower priority), never in a visitor's request."""
    from .export_files import build

    return build(campaign_id, values, version)
