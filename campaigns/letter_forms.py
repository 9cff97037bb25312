"""The forms of the letter kit and of the working page: the group's letter settings (its
paragraph and contact), the kit sent by email, and the per-list forms of the guided page.
Fields come from the models (campaigns.forms.model_field); the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import model_field
from .models import CandidateList, Target

PARAGRAPH_ROWS = 6


class LetterSettingsForm(forms.Form):
    """What the group adds to the campaign's letter for its commune."""

    letter_paragraph = model_field(
        Target, "letter_paragraph", widget=forms.Textarea(attrs={"rows": PARAGRAPH_ROWS})
    )
    contact_name = model_field(Target, "contact_name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_email = model_field(
        Target, "contact_email", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    contact_phone = model_field(
        Target, "contact_phone", widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )

    @classmethod
    def of(cls, target, data=None, user=None, **kwargs):
        """The form of a target, its contact pre-filled with the user's own when none is set."""
        initial = {name: getattr(target, name) for name in cls.base_fields}
        if user is not None and not target.contact_email:
            initial.update(contact_name=user.display_name, contact_email=user.email)
        return cls(data, initial=initial, **kwargs)


class KitForm(forms.Form):
    """Email the letter kit to one list (or the municipality): pre-filled with its address."""

    email = model_field(CandidateList, "email", label=_("Email of the head of list"), required=True)

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        if target.campaign.kind_spec.has_lists:
            self.fields["candidate_list"] = forms.ModelChoiceField(
                queryset=target.lists.all(), widget=forms.HiddenInput
            )
        else:
            self.fields["email"].label = _("Email of the town hall")
