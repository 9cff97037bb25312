"""The committee's forms: what people type and choose; the rules stay in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Organization

from ..models.committees import DESCRIPTION_MAX


def purpose_field():
    return forms.CharField(
        label=_("Purpose of the committee"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the committee follows and how it works. Markdown: **bold**, *italics*, lists, links."
        ),
    )


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class CommitteeCreateForm(forms.Form):
    description = purpose_field()
    organizations = forms.ModelMultipleChoiceField(
        label=_("The local groups you create it with"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They become its first member organisations; their coordinators decide with the town hall."
        ),
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups = list(groups)
        if groups:
            field = self.fields["organizations"]
            field.queryset = Organization.objects.filter(pk__in=[group.pk for group in groups]).order_by(
                "name"
            )
            if len(groups) == 1:
                self.initial.setdefault("organizations", [groups[0].pk])
        else:
            del self.fields["organizations"]


class CommitteeEditForm(forms.Form):
    description = purpose_field()


class MemberRequestForm(forms.Form):
    """A person asks to take part: for one of the member organisations they belong to,
    or in their own name (the town hall's contacts: for the municipality)."""

    organization = OrganizationChoiceField(
        label=_("You take part for"),
        queryset=None,
        required=False,
        empty_label=_("myself (in my own name)"),
    )

    def __init__(self, *args, organizations=None, municipality=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if organizations is None or not organizations.exists():
            del self.fields["organization"]
            return
        field.queryset = organizations
        if municipality:
            field.empty_label = _("the municipality")


class OrganizationRequestForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation"), queryset=None)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class OrganizationAddForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organisation to add"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[organization.pk for organization in candidates]
        ).order_by("name")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
