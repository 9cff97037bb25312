from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from territories.forms import CommuneField

from .models import Membership, MunicipalContact, Organization


class LocalGroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=150)
    group_type = forms.ChoiceField(
        label=_("Type of group"),
        choices=[(value, capfirst(label)) for value, label in Organization.GroupType.choices],
    )
    commune = CommuneField()
    networks = forms.ModelMultipleChoiceField(
        label=_("Partner networks you belong to"),
        queryset=Organization.objects.partners().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A coordinator of one of these networks will validate the group."),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=3000, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")


class OrganizationEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=3000, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        validators=Organization._meta.get_field("logo").validators,
        help_text=_("PNG, JPEG or WebP image, 1 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("validate", _("Validate")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason (required to reject)"), max_length=500, required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MunicipalContactForm(forms.Form):
    role = forms.ChoiceField(
        label=_("You are"), choices=MunicipalContact.Role.choices, widget=forms.RadioSelect
    )
    position = forms.CharField(
        label=_("Your position"), max_length=120, help_text=_("For example: deputy mayor for solidarity.")
    )
    method = forms.ChoiceField(
        label=_("How should we verify it?"),
        choices=[
            ("town_hall_email", _("Send a link to the town hall's official email address")),
            ("coordinator", _("Ask a partner coordinator")),
        ],
        widget=forms.RadioSelect,
        initial="town_hall_email",
    )


class ContactReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("verify", _("Verify")), ("reject", _("Reject"))])


class ContactForm(forms.Form):
    """A message to a group's coordinators (actors.joining.contact_send)."""

    # One line, as every single-line field (core.forms.clean_text): it becomes an email subject.
    subject = forms.CharField(label=_("Subject"), max_length=150, strip=False)
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=20,
        max_length=3000,
        help_text=_("Between 20 and 3,000 characters."),
    )

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise forms.ValidationError(_("Give your message a subject."), code="required")
        return subject


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A few words for the coordinators (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        required=False,
        help_text=_("Who you are, what you would like to do with the group: 1,000 characters at most."),
    )


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
