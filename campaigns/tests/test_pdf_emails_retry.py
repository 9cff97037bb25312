"""The two emails with a PDF (a signed bulletin's confirmation, a letter kit) wait for the
mail server as every other email does: queued again with the same backoff, sent once it is
back, the coordinators told once (core/tasks.py)."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns.tasks import send_signature_confirmation
from core.tests.test_task_faults import DB_TASKS, run_worker
from tests.support import browser

from .test_signature import invited, sign  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

DOWN = "core.tests.test_task_faults.DownBackend"
UP = "django.core.mail.backends.locmem.EmailBackend"


@override_settings(TASKS=DB_TASKS, EMAIL_BACKEND=DOWN)
def test_a_bulletins_confirmation_waits_for_the_mail_server_and_goes_out_once(invited, coordinator):  # noqa: F811
    _invitation, token = invited
    commitment = sign(token)
    DBTaskResult.objects.all().delete()  # what signing queued: this test queues its own
    send_signature_confirmation.enqueue(
        commitment_id=commitment.pk,
        email="tete@example.org",
        manager_ids=[coordinator.pk],
        site_url="http://x",
    )
    run_worker()

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now()
    assert not mail.outbox

    with override_settings(EMAIL_BACKEND=UP):
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()

    signatory = [message for message in mail.outbox if message.to == ["tete@example.org"]]
    assert len(signatory) == 1 and signatory[0].attachments[0][2] == "application/pdf"
    assert [message.to for message in mail.outbox if message.to != ["tete@example.org"]] == [
        [coordinator.email]
    ]


@override_settings(TASKS=DB_TASKS, EMAIL_BACKEND=DOWN)
def test_a_letter_kit_waits_for_the_mail_server_and_its_links_work_once_sent(target, first, member):
    from campaigns.tasks import send_letter_kit

    from .test_letter_kit import SITE

    invitations = kit(target, first, member)
    DBTaskResult.objects.all().delete()  # the on-commit enqueue did not run in this test's transaction
    send_letter_kit.enqueue(invitation_ids=[i.pk for i in invitations], reply_to=[], site_url=SITE)
    run_worker()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2 and not mail.outbox

    with override_settings(EMAIL_BACKEND=UP):
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()

    [message] = mail.outbox
    assert message.to == ["tete@example.org"] and message.attachments[0][2] == "application/pdf"
    path = re.search(r"/signer/[A-Za-z0-9_-]+/", message.body).group(0)
    assert browser().get(path).status_code == 200  # the link sent is the one that works


def kit(target, candidate_list, member):
    from campaigns import services

    from .test_letter_kit import SITE

    return services.kit_send(
        target=target, candidate_list=candidate_list, email="tete@example.org", sent_by=member, site_url=SITE
    )
