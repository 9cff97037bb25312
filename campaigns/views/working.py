"""The group's working page: the commune's page, for its managers, as a guided sequence
(lists → letter → signature → result). Each step says whether it is done, each form shows
when it makes sense, and the next step is named. Everything is computed from what the page
already loads (lists with their commitments, the log, the invitations): a constant number
of queries whatever the number of lists."""

from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import track

from ..forms import ElectedForm, FrameworkChoiceForm, ListForm, StepForm, WithdrawForm
from ..letter_forms import KitForm, LetterSettingsForm
from ..models import SignatureInvitation, Step

LETTER_KINDS = (Step.Kind.LETTER, Step.Kind.EMAIL)


class ListInvitationForm(forms.Form):
    """The signature link of one list (posted to invitation_send, which checks it with
    InvitationForm): its list fixed, its email pre-filled, only the frameworks it has not
    signed. Built from what the page loaded: no query."""

    candidate_list = forms.CharField(widget=forms.HiddenInput, required=False)
    framework = forms.ChoiceField(label=_("Framework"), widget=forms.RadioSelect)
    email = forms.EmailField(label=_("Email of the signatory"))

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [(framework.pk, framework.title) for framework in frameworks]
        if len(frameworks) == 1:
            self.fields["framework"].initial = frameworks[0].pk


@dataclass
class Recipient:
    """A list (or the municipality, `candidate_list` None) on the way to its signature."""

    candidate_list: object
    signed: list = field(default_factory=list)  # active commitments
    to_sign: list = field(default_factory=list)  # frameworks not signed yet
    pending: list = field(default_factory=list)  # usable invitations
    letter_sent: bool = False
    refused_on: object = None
    kit_form: object = None
    invitation_form: object = None

    @property
    def done(self):
        return bool(self.refused_on) or not self.to_sign


@dataclass
class GuideStep:
    key: str  # the section's id
    title: str
    done: bool
    available: bool
    hint: str = ""


def _recipients(target, lists, municipality_commitments, steps, invitations, frameworks):
    has_lists = target.campaign.kind_spec.has_lists
    if has_lists:
        entries = [
            (candidate_list, candidate_list.commitments.all(), candidate_list.refused_on)
            for candidate_list in lists
        ]
    else:
        entries = [(None, municipality_commitments, getattr(target, "municipality_refused_on", None))]
    recipients = []
    for candidate_list, commitments, refused_on in entries:
        list_id = candidate_list.pk if candidate_list else None
        signed = [commitment for commitment in commitments if commitment.withdrawn_at is None]
        signed_ids = {commitment.framework_id for commitment in signed}
        mine = [invitation for invitation in invitations if invitation.candidate_list_id == list_id]
        recipient = Recipient(
            candidate_list=candidate_list,
            signed=signed,
            to_sign=[framework for framework in frameworks if framework.pk not in signed_ids],
            pending=[invitation for invitation in mine if invitation.is_usable],
            letter_sent=bool(mine)
            or any(step.candidate_list_id == list_id and step.kind in LETTER_KINDS for step in steps),
            refused_on=refused_on,
        )
        prefix = f"l{list_id}" if list_id else "m"
        email = candidate_list.email if candidate_list else target.commune.town_hall_email
        recipient.kit_form = KitForm(
            target=target,
            initial={"candidate_list": candidate_list, "email": email},
            auto_id=f"kit_{prefix}_%s",
        )
        if recipient.to_sign:
            recipient.invitation_form = ListInvitationForm(
                frameworks=recipient.to_sign,
                initial={"candidate_list": list_id or "", "email": email},
                auto_id=f"invitation_{prefix}_%s",
            )
        recipients.append(recipient)
    return recipients


def _guide(campaign, lists, recipients):
    """The steps of the sequence, and the next one to take (None once all is done)."""
    kind = campaign.kind_spec
    ready = bool(recipients) and (bool(lists) or not kind.has_lists)
    steps = []
    if kind.has_lists:
        steps.append(
            GuideStep(
                "listes",
                _("Candidate lists"),
                bool(lists),
                True,
                _("Add the lists running in the commune, with their head and contact."),
            )
        )
    steps.append(
        GuideStep(
            "lettre",
            _("Letter"),
            ready and all(recipient.letter_sent or recipient.done for recipient in recipients),
            ready,
            _("Send the letter and its bulletins, by post or by email."),
        )
    )
    steps.append(
        GuideStep(
            "invitations",
            _("Signature"),
            ready and all(recipient.done for recipient in recipients),
            ready,
            _("Follow the signatures: links to send again, paper bulletins to record, refusals."),
        )
    )
    if kind.records_result:
        election = campaign.first_round
        after = election is None or election <= timezone.localdate()
        steps.append(
            GuideStep(
                "resultat",
                _("Election result"),
                any(candidate_list.is_elected for candidate_list in lists),
                bool(lists) and after,
                _("Record the elected list: its signed bulletins become the commune's commitments."),
            )
        )
    next_step = next((step for step in steps if not step.done and step.available), None)
    return steps, next_step


def working_context(target, public, user):
    """The managers' part of the commune's page: `public` is what target_public loaded;
    the contact of the letter is pre-filled with the `user`'s own until the group sets one."""
    from ..queries import target_private

    campaign = target.campaign
    private = target_private(target)
    lists = list(public["lists"])
    steps = list(private["steps"])
    invitations = list(private["invitations"])
    frameworks = list(campaign.frameworks.all())
    recipients = _recipients(
        target, lists, list(public["municipality_commitments"]), steps, invitations, frameworks
    )
    guide, next_step = _guide(campaign, lists, recipients)
    return {
        "lists": lists,
        "steps": steps,
        "invitations": invitations,
        "recipients": recipients,
        "guide": guide,
        "numbers": {step.key: number for number, step in enumerate(guide, start=1)},
        "next_step": next_step,
        "letter_ready": any(step.key == "lettre" and step.available for step in guide),
        "elected_list": next((candidate_list for candidate_list in lists if candidate_list.is_elected), None),
        "validity_days": SignatureInvitation.VALIDITY_DAYS,
        "today": timezone.localdate(),
        # One page, several forms: distinct HTML ids (the field names stay as they are).
        "list_form": ListForm(auto_id="list_%s"),
        "step_form": StepForm(target=target, auto_id="step_%s"),
        "letter_form": track(LetterSettingsForm.of(target, user=user, auto_id="letter_%s"), target),
        "elected_form": ElectedForm(
            target=target,
            initial={"candidate_list": next((item for item in lists if item.is_elected), None)},
            auto_id="result_%s",
        ),
        "framework_form": FrameworkChoiceForm(campaign=campaign, auto_id="paper_%s"),
        "withdraw_form": WithdrawForm(),
    }
