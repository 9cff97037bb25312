from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from territories.models import Commune
from territories.queries import clean_query, search_communes

from .models import Membership, MunicipalContact, Organization


class CommuneField(forms.CharField):
    """A commune typed as its INSEE code or its name; ambiguous names get suggestions."""

    default_error_messages = {
        "unknown": _("No commune matches “%(value)s”."),
        "ambiguous": _("Several communes match: %(choices)s. Type the INSEE code of yours."),
    }

    def clean(self, value):
        value = clean_query(super().clean(value))
        if not value:
            return None
        commune = Commune.objects.active().filter(code=value.upper()).select_related("department").first()
        if commune:
            return commune
        matches = list(search_communes(value)[:6])
        exact = [match for match in matches if match.rank == 0]
        if len(exact) == 1 or (len(matches) == 1 and not exact):
            return exact[0] if exact else matches[0]
        if not matches:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        choices = ", ".join(
            f"{match.display_name} ({match.department.code}, {match.code})" for match in matches
        )
        raise forms.ValidationError(
            self.error_messages["ambiguous"], code="ambiguous", params={"choices": choices}
        )


class LocalGroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=150)
    group_type = forms.ChoiceField(
        label=_("Type of group"),
        choices=[(value, capfirst(label)) for value, label in Organization.GroupType.choices],
    )
    commune = CommuneField(
        label=_("Commune"),
        max_length=100,
        help_text=_("Its name or its INSEE code, for example “Saint-Denis 93” or “93066”."),
    )
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
