"""The follow-up's events for notifications (registered from FollowupConfig.ready()): a
voice's update or a joint statement, once published, is told to the followers of its
commune, of its item (and of the national items a local item stands for) and of the
local groups that wrote or co-signed it — never to its authors.

services.py calls `published(update)` in transaction.on_commit; the emails, built later
by the task worker, read the updates through `public_updates` (one that was hidden since
is no longer told) and tell each one through `describe`, in the recipient's language."""

from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from accounts.models import public_name
from core.markdown import render
from frameworks.models import Item
from notifications import events, services

from .models import Update

EVENT = "followup.update"
SUMMARY_CHARS = 300


def public_updates(ids):
    """The published, visible updates among these ids, with what describing them reads."""
    updates = (
        Update.objects.public()
        .filter(pk__in=list(ids))
        .select_related(
            "commune", "item", "created_by", "cosigned_by", "organization", "cosigner_organization"
        )
        .defer("commune__outline", "commune__town_hall_address")
        .order_by()  # a dict: no sorting
    )
    return {update.pk: update for update in updates}


def authors(update):
    """Who speaks in an update: "Awa (Accueil Saint-Denis)", both signatories of a joint statement."""

    def one(user, organization):
        name = public_name(user)
        return f"{name} ({organization.name})" if organization else name

    names = [one(update.created_by, update.organization)]
    if update.is_joint and update.cosigned_at:
        names.append(one(update.cosigned_by, update.cosigner_organization))
    return ", ".join(names)


def plain_text(text, chars=SUMMARY_CHARS):
    """An update's Markdown as one line of plain text, shortened."""
    return Truncator(" ".join(strip_tags(render(text)).split())).chars(chars)


def title(update):
    return _("%(kind)s on “%(item)s”") % {
        "kind": capfirst(update.get_kind_display()),
        "item": f"{update.item.code}. {update.item.title}",
    }


def describe(update):
    """The update as an email tells it (in the active language)."""
    summary = plain_text(update.text)
    if update.status:
        state = update.get_status_display()
        if update.progress is not None:
            state = f"{state}, {update.progress} %"
        summary = _("Status: %(state)s.") % {"state": state} + " " + summary
    return events.Event(
        title=title(update),
        summary=summary,
        path=update.get_absolute_url(),
        date=update.published_at,
        author=authors(update),
    )


SOURCE = events.EventSource(key=EVENT, objects=public_updates, describe=describe)


def published(update):
    """Tell the followers that this update (or joint statement) is published."""
    national = Item.objects.filter(local_items=update.item_id).values_list("pk", flat=True)
    services.notify(
        EVENT,
        update,
        commune=update.commune_id,
        items=[update.item_id, *national],
        groups=[update.organization_id, update.cosigner_organization_id],
        authors=[update.created_by_id, update.cosigned_by_id],
    )
