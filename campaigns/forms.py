from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from actors.forms import CommuneField
from actors.models import Organization
from commitments.models import SCAN_MAX_BYTES, SCAN_TYPES
from core.uploads import UploadValidator
from frameworks.models import Framework, Level

from .kinds import KINDS
from .models import Campaign, Step


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, help_text=_("For example: Municipales 2026."))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(value, capfirst(label)) for value, label in Campaign.Kind.choices]
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )
    frameworks = forms.ModelMultipleChoiceField(
        label=_("Frameworks proposed"),
        queryset=Framework.objects.current().order_by("title"),
        widget=forms.CheckboxSelectMultiple,
    )
    organizers = forms.ModelMultipleChoiceField(
        label=_("Organising partners"),
        queryset=Organization.objects.partners().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    first_round = forms.DateField(label=_("Election date (first round)"), required=False, widget=DateInput())
    second_round = forms.DateField(label=_("Second round"), required=False, widget=DateInput())
    mandate_start = forms.IntegerField(
        label=_("Mandate starts in"), min_value=2000, max_value=2100, initial=2026
    )
    mandate_end = forms.IntegerField(label=_("Mandate ends in"), min_value=2000, max_value=2100, initial=2032)
    is_open = forms.BooleanField(
        label=_("Open"),
        required=False,
        initial=True,
        help_text=_("While open, groups take on communes and send signature invitations."),
    )
    letter_template = forms.CharField(
        label=_("Letter template"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=10000,
        required=False,
        help_text=Campaign._meta.get_field("letter_template").help_text,
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        else:
            self.fields["kind"].help_text = " ".join(str(kind.description) for kind in KINDS.values())
        self.fields["frameworks"].label_from_instance = lambda framework: framework.title
        # Partner coordinators propose the frameworks of any current version; older versions stay
        # on the campaigns that already use them.

    def clean(self):
        data = super().clean()
        first, second = data.get("first_round"), data.get("second_round")
        if first and second and second <= first:
            self.add_error("second_round", _("The second round comes after the first."))
        start, end = data.get("mandate_start"), data.get("mandate_end")
        if start and end and end <= start:
            self.add_error("mandate_end", _("The mandate ends after it starts."))
        return data


class TakeOnForm(forms.Form):
    commune = CommuneField(
        label=_("Commune"),
        max_length=100,
        help_text=_("Its name or its INSEE code, for example “Saint-Denis 93” or “93066”."),
    )
    group = forms.ModelChoiceField(
        label=_("Local group"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, groups, group_required, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["group"].required = group_required
        if group_required:
            self.fields["group"].empty_label = None
        else:
            self.fields["group"].empty_label = _("No group")


class ListForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=200)
    head_name = forms.CharField(label=_("Head of list"), max_length=150)
    email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_("Seen only by the group and the coordinators; used for the signature invitation."),
    )
    political_label = forms.CharField(label=_("Political label (optional)"), max_length=100, required=False)


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Step"), choices=[(value, capfirst(label)) for value, label in Step.Kind.choices]
    )
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    candidate_list = forms.ModelChoiceField(
        label=_("List"), queryset=None, required=False, empty_label=_("The municipality / all lists")
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate_list"].queryset = target.lists.order_by("name")
        if not target.campaign.kind_spec.has_lists:
            del self.fields["candidate_list"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A step of the log cannot be in the future."))
        return date


def _framework_field(campaign):
    field = forms.ModelChoiceField(
        label=_("Framework"), queryset=campaign.frameworks.order_by("title"), empty_label=None
    )
    field.label_from_instance = lambda framework: framework.title
    return field


def _list_field(target, label):
    return forms.ModelChoiceField(label=label, queryset=target.lists.order_by("name"), empty_label=None)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the signatory"))

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"] = _framework_field(target.campaign)
        if target.campaign.kind_spec.has_lists:
            self.fields["candidate_list"] = _list_field(target, _("List"))
        self.order_fields(["candidate_list", "framework", "email"])


class ItemChoicesMixin:
    """One checkbox per item of the framework, with its level and a comment."""

    def add_item_fields(self, framework):
        self.framework = framework
        self.sections = []
        self.rendered_elsewhere = set()
        items = framework.items.select_related("section").prefetch_related("levels").order_by("position")
        by_section = {}
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=f"{item.code}. {item.title}", required=False
            )
            levels = list(item.levels.all())
            if levels:
                self.fields[f"level_{item.pk}"] = forms.ModelChoiceField(
                    label=_("Ambition level"),
                    queryset=Level.objects.filter(item=item),
                    required=False,
                    empty_label=_("No level chosen"),
                )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment (optional)"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            entry = {
                "item": item,
                "check": f"item_{item.pk}",
                "level": f"level_{item.pk}" if levels else None,
                "comment": f"comment_{item.pk}",
            }
            # Laid out by campaigns/includes/item_choices.html, not by {{ form }}.
            self.rendered_elsewhere.update(name for name in entry.values() if isinstance(name, str))
            by_section.setdefault(item.section, []).append(entry)
        for section, entries in by_section.items():
            self.sections.append({"section": section, "entries": entries})

    def bound_sections(self):
        return [
            {
                "section": group["section"],
                "entries": [
                    {
                        "item": entry["item"],
                        "check": self[entry["check"]],
                        "level": self[entry["level"]] if entry["level"] else None,
                        "comment": self[entry["comment"]],
                    }
                    for entry in group["entries"]
                ],
            }
            for group in self.sections
        ]

    def choices(self):
        chosen = []
        for group in self.sections:
            for entry in group["entries"]:
                if self.cleaned_data.get(entry["check"]):
                    level = self.cleaned_data.get(entry["level"]) if entry["level"] else None
                    chosen.append((entry["item"], level, self.cleaned_data.get(entry["comment"], "")))
        return chosen

    def check_choices(self):
        if not self.choices():
            raise forms.ValidationError(_("Choose at least one item."))


class SignForm(ItemChoicesMixin, forms.Form):
    signatory_name = forms.CharField(label=_("Your name"), max_length=150)
    signatory_role = forms.CharField(
        label=_("Your role"),
        max_length=150,
        help_text=_("For example: head of the list “Ensemble pour Lille”."),
    )
    terms = forms.BooleanField(
        label=_(
            "I accept that my name, my role and the items I commit to are published on this platform "
            "and in its open data exports."
        ),
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(framework)

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data


class PaperForm(ItemChoicesMixin, forms.Form):
    signatory_name = forms.CharField(label=_("Signatory"), max_length=150)
    signatory_role = forms.CharField(label=_("Signatory's role"), max_length=150)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    scan = forms.FileField(
        label=_("Scan of the signed bulletin"),
        required=False,
        validators=[UploadValidator(types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES)],
        help_text=_("PDF, PNG or JPEG, 5 MB at most."),
    )

    def __init__(self, *args, target, framework, **kwargs):
        super().__init__(*args, **kwargs)
        if target.campaign.kind_spec.has_lists:
            self.fields["candidate_list"] = _list_field(target, _("List that signed"))
            self.order_fields(["candidate_list"])
        self.add_item_fields(framework)

    def clean_signed_on(self):
        date = self.cleaned_data["signed_on"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date of signature cannot be in the future."))
        return date

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data


class DeliberationForm(ItemChoicesMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference of the deliberation"), max_length=100, help_text=_("For example: DEL-2026-045.")
    )
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())
    file = forms.FileField(
        label=_("The deliberation (PDF)"),
        required=False,
        validators=[UploadValidator(types=SCAN_TYPES, max_bytes=SCAN_MAX_BYTES)],
        help_text=_("PDF, PNG or JPEG, 5 MB at most."),
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(framework)

    def clean_adopted_on(self):
        date = self.cleaned_data["adopted_on"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data


class FrameworkChoiceForm(forms.Form):
    """Which framework a paper bulletin or a deliberation is about (a GET form)."""

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referentiel"] = _framework_field(campaign)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional, public)"), max_length=500, required=False)


class ElectedForm(forms.Form):
    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=_("Elected list"),
            queryset=target.lists.order_by("name"),
            required=False,
            empty_label=_("No result yet"),
        )
        self.fields["candidate_list"] = field


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"), help_text=_("10 MB at most."))
