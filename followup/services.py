"""Writes of the follow-up: a voice's update on a committed item, a joint statement drafted
by one side and co-signed by the other, and the states' refresh after a moderation decision.

Each function checks what it must, writes in one transaction, and returns its result or
raises FollowupError with a message for people. A write that changes a voice's state
carries the state's version its author saw: the state's row is locked (select_for_update)
and compared, and StateConflict (with the current states) is raised when someone else
changed it meanwhile: a second writer never silently overwrites the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEdit
from core.uploads import EXTENSIONS, SNIFF_BYTES, UploadValidator, sniff

from . import events, queries
from .board import VOICES
from .models import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    PROGRESS_MAX,
    TEXT_MAX,
    Evidence,
    ItemState,
    Status,
    Update,
    Voice,
    other_voice,
)
from .rules import following_groups, speaks_as

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from actors.models import Organization
    from frameworks.models import Item
    from territories.models import Commune

REFERENCE_MAX = 100
LABEL_MAX = 200
URL_MAX = 500


class FollowupError(Exception):
    """A refused write; the message is shown as is."""


class StateConflict(ConcurrentEdit):
    """A voice's state changed since its writer read it; `states` are the current ones
    (core.concurrency's rule, with the follow-up's own version counter and page)."""

    def __init__(self, states: Sequence[ItemState]) -> None:
        self.states = list(states)
        latest = max(self.states, key=lambda state: state.updated_at or timezone.now())
        author = latest.last_update.created_by if latest.last_update else None
        super().__init__(
            self.states,
            _(
                "This item was updated for the %(voice)s by %(name)s on %(date)s, after you opened this "
                "form. Your update is not saved: check the current state below, then send it again."
            )
            % {
                "voice": latest.get_voice_display(),
                "name": author.public_name if author else _("someone"),
                "date": formats.date_format(
                    timezone.localtime(latest.updated_at or timezone.now()), "DATETIME_FORMAT"
                ),
            },
        )


@dataclass(frozen=True)
class Proof:
    """Evidence to attach: a link (url, label), a file, or a deliberation's reference."""

    kind: str
    url: str = ""
    label: str = ""
    reference: str = ""
    file: UploadedFile | None = None


# Checks ---------------------------------------------------------------------------------


def _check_content(text: str, status: str, progress: int | None) -> str:
    text = (text or "").strip()
    if not text:
        raise FollowupError(_("Write the text of the update."))
    if len(text) > TEXT_MAX:
        raise FollowupError(_("The text is too long: %(max)s characters at most.") % {"max": TEXT_MAX})
    if status and status not in Status.values:
        raise FollowupError(_("Choose a status from the list."))
    if progress is not None and not (isinstance(progress, int) and 0 <= progress <= PROGRESS_MAX):
        raise FollowupError(_("The progress is a percentage: a whole number from 0 to 100."))
    return text


def _speaker(
    user: User, commune: Commune, voice: str, organization: Organization | None
) -> Organization | None:
    """Check that the user speaks with this voice; the local group they speak for (civil society)."""
    if voice not in Voice.values:
        raise FollowupError(_("Choose the voice you speak with."))
    if not speaks_as(user, commune, voice):
        if voice == Voice.MUNICIPALITY:
            raise FollowupError(
                _("Only the verified municipal contacts of the commune speak for the municipality.")
            )
        raise FollowupError(
            _("Only the members of a validated local group that follows the commune speak for civil society.")
        )
    if voice == Voice.MUNICIPALITY:
        return None
    groups = following_groups(user, commune)
    if organization is None:
        if len(groups) > 1:
            raise FollowupError(_("Say which local group you speak for."))
        return groups[0]
    if organization.pk not in {group.pk for group in groups}:
        raise FollowupError(
            _("You do not speak for this group: choose one of your groups that follow the commune.")
        )
    return organization


def _check_item(commune: Commune, item: Item) -> None:
    if not queries.is_committed(commune, item):
        raise FollowupError(_("This item is not among the commune's commitments for the mandate."))


def _check_proof(proof: Proof) -> Proof:
    if proof.kind == Evidence.Kind.LINK:
        url = proof.url.strip()
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise FollowupError(_("This link is not a web address (http or https).")) from None
        if len(url) > URL_MAX:
            raise FollowupError(_("This link is too long."))
        return Proof(kind=proof.kind, url=url, label=" ".join(proof.label.split())[:LABEL_MAX])
    if proof.kind == Evidence.Kind.DELIBERATION:
        reference = " ".join(proof.reference.split())
        if not reference or len(reference) > REFERENCE_MAX:
            raise FollowupError(
                _("Give the deliberation's reference (%(max)s characters at most).") % {"max": REFERENCE_MAX}
            )
        return Proof(kind=proof.kind, reference=reference, label=" ".join(proof.label.split())[:LABEL_MAX])
    if proof.kind == Evidence.Kind.FILE and proof.file is not None:
        try:
            UploadValidator(types=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES)(proof.file)
        except ValidationError as error:
            raise FollowupError(" ".join(error.messages)) from None
        return proof
    raise FollowupError(_("This kind of evidence is not known."))


# Writing ------------------------------------------------------------------------------


def _name_by_content(upload: UploadedFile) -> str:
    """A stored file's extension is its content's (checked by _check_proof), not its name's."""
    upload.seek(0)
    mime = sniff(upload.read(SNIFF_BYTES))
    upload.seek(0)
    return "preuve" + EXTENSIONS.get(mime, "")


def _locked_state(commune: Commune, item: Item, voice: str) -> ItemState:
    """The voice's state of the item, created when missing, locked until the transaction ends."""
    state, _created = ItemState.objects.get_or_create(commune=commune, item=item, voice=voice)
    return ItemState.objects.select_for_update().get(pk=state.pk)


def _apply(state: ItemState, update: Update, user: User | None) -> None:
    if update.status:
        state.status = update.status
    if update.progress is not None:
        state.progress = update.progress
    state.last_update = update
    state.updated_at = update.published_at
    state.version += 1
    state._history_user = user
    state.save()


def _create(
    *,
    commune: Commune,
    item: Item,
    user: User,
    kind: str,
    voice: str,
    organization: Organization | None,
    text: str,
    status: str,
    progress: int | None,
    evidence: Sequence[Proof],
    published: bool,
) -> Update:
    now = timezone.now()
    update = Update(
        commune=commune,
        item=item,
        kind=kind,
        voice=voice,
        organization=organization,
        text=text,
        status=status or "",
        progress=progress,
        created_by=user,
        created_at=now,
        published_at=now if published else None,
    )
    update._history_user = user
    update.save()
    for proof in evidence:
        record = Evidence(
            update=update, kind=proof.kind, url=proof.url, label=proof.label, reference=proof.reference
        )
        if proof.file is not None:
            record.file.save(_name_by_content(proof.file), proof.file, save=False)
        record._history_user = user
        record.save()
    return update


def update_post(
    *,
    commune: Commune,
    item: Item,
    user: User,
    voice: str,
    version: int,
    text: str,
    status: str = "",
    progress: int | None = None,
    organization: Organization | None = None,
    evidence: Sequence[Proof] = (),
) -> Update:
    """Publish a voice's update on a committed item; it changes the voice's state (status and
    progress when given) unless that state changed since `version`."""
    _check_item(commune, item)
    organization = _speaker(user, commune, voice, organization)
    text = _check_content(text, status, progress)
    evidence = [_check_proof(proof) for proof in evidence]
    with transaction.atomic():
        state = _locked_state(commune, item, voice)
        if state.version != version:
            raise StateConflict([state])
        update = _create(
            commune=commune,
            item=item,
            user=user,
            kind=voice,
            voice=voice,
            organization=organization,
            text=text,
            status=status,
            progress=progress,
            evidence=evidence,
            published=True,
        )
        _apply(state, update, user)
        transaction.on_commit(lambda: events.published(update))  # its followers are told
    return update


def joint_statement_draft(
    *,
    commune: Commune,
    item: Item,
    user: User,
    voice: str,
    text: str,
    status: str = "",
    progress: int | None = None,
    organization: Organization | None = None,
    evidence: Sequence[Proof] = (),
) -> Update:
    """Draft a joint statement in the name of one side; it is published when a member of
    the other side co-signs it (joint_statement_cosign)."""
    _check_item(commune, item)
    organization = _speaker(user, commune, voice, organization)
    text = _check_content(text, status, progress)
    evidence = [_check_proof(proof) for proof in evidence]
    with transaction.atomic():
        return _create(
            commune=commune,
            item=item,
            user=user,
            kind=Update.Kind.JOINT,
            voice=voice,
            organization=organization,
            text=text,
            status=status,
            progress=progress,
            evidence=evidence,
            published=False,
        )


def joint_statement_cosign(
    *, update: Update, user: User, versions: Mapping[str, int], organization: Organization | None = None
) -> Update:
    """Co-sign a joint statement of the other side: it is published, and its status and
    progress become both voices' (unless a voice's state changed since `versions`)."""
    with transaction.atomic():
        draft = Update.objects.select_for_update().get(pk=update.pk)
        draft.commune, draft.item = update.commune, update.item
        if not draft.is_joint:
            raise FollowupError(_("Only a joint statement is co-signed."))
        if draft.is_published:
            raise FollowupError(_("This joint statement is already co-signed."))
        if draft.is_hidden:
            raise FollowupError(_("This joint statement was hidden by the moderators."))
        if draft.created_by_id == user.pk:
            raise FollowupError(
                _("You drafted this joint statement: a member of the other side co-signs it.")
            )
        side = other_voice(draft.voice)
        if not speaks_as(user, draft.commune, side):
            raise FollowupError(
                _("A joint statement drafted for the %(voice)s is co-signed by a member of the %(other)s.")
                % {"voice": Voice(draft.voice).label, "other": Voice(side).label}
            )
        cosigner_organization = _speaker(user, draft.commune, side, organization)
        states = [_locked_state(draft.commune, draft.item, voice) for voice in VOICES]  # always in this order
        changed = [state for state in states if state.version != versions.get(state.voice, 0)]
        if changed:
            raise StateConflict(changed)
        now = timezone.now()
        draft.cosigned_by, draft.cosigner_organization = user, cosigner_organization
        draft.cosigned_at = draft.published_at = now
        draft._history_user = user
        draft.save()
        for state in states:
            _apply(state, draft, user)
        transaction.on_commit(lambda: events.published(draft))  # its followers are told
    return draft


def states_refresh(*, commune_id: int, item_id: int, user: User | None = None) -> None:
    """Make both voices' states of an item the fold of their published, visible updates again
    (after an update is hidden or restored): a hidden update no longer counts."""
    with transaction.atomic():
        for voice in VOICES:
            state, _created = ItemState.objects.get_or_create(
                commune_id=commune_id, item_id=item_id, voice=voice
            )
            state = ItemState.objects.select_for_update().get(pk=state.pk)
            updates = (
                Update.objects.public()
                .filter(commune_id=commune_id, item_id=item_id)
                .filter(Q(kind=voice) | Q(kind=Update.Kind.JOINT))
                .order_by("published_at", "pk")
            )
            status, progress, last = "", None, None
            for update in updates:
                status = update.status or status
                progress = update.progress if update.progress is not None else progress
                last = update
            fold = (status, progress, last.pk if last else None, last.published_at if last else None)
            if fold != (state.status, state.progress, state.last_update_id, state.updated_at):
                state.status, state.progress, state.last_update, state.updated_at = (
                    status,
                    progress,
                    last,
                    fold[3],
                )
                state.version += 1
                if user is not None:  # otherwise the request's user (simple_history's middleware)
                    state._history_user = user
                state.save()
