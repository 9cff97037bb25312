"""The forms of campaigns. Their fields are the models' (label, length, choices,
validators, default: declared once, in the model), overridden only where a form says it
otherwise. They check the input; the business rules are the services' (campaigns.services,
commitments.services), which the views call with `cleaned_data` and whose refusals they
show on the form (core.actions.perform). A form that shows every problem at once runs
the service's own check (`_service_check`)."""

from collections.abc import Callable

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from actors.models import Organization
from commitments import services as commitments_services
from commitments.models import Commitment, CommitmentItem
from frameworks.models import Framework, Level
from territories.forms import CommuneField

from . import services
from .kinds import KINDS
from .models import Campaign, CandidateList, SignatureInvitation, Step

# The years a mandate may start and end in.
FIRST_MANDATE_YEAR, LAST_MANDATE_YEAR = 2000, 2100
# Heights of the text areas, in rows.
LETTER_ROWS, NOTES_ROWS, COMMENT_ROWS = 14, 3, 2
FILE_HELP = _("PDF, PNG or JPEG, 5 MB at most.")
# What one types to find a commune (a name or an INSEE code), at most.
COMMUNE_QUERY_MAX_LENGTH = 100


def model_field(model: type[models.Model], name: str, **overrides: object) -> forms.Field:
    """The form field of a model's field, with what this form says otherwise."""
    return model._meta.get_field(name).formfield(**overrides)


def _file_field(model: type[models.Model], name: str, **overrides: object) -> forms.FileField:
    """A model's file field with its upload validators (the form checks them before the
    service stores the file), and no limit on the name of the file sent."""
    validators = model._meta.get_field(name).validators
    return model_field(model, name, validators=validators, max_length=None, help_text=FILE_HELP, **overrides)


def _capitalised(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, capfirst(label)) for value, label in choices]


def _service_check(check: Callable[..., None], *args: object) -> None:
    """Run a service's check in a form's clean: its refusal is the form's error."""
    try:
        check(*args)
    except (services.CampaignsError, commitments_services.CommitmentsError) as error:
        raise forms.ValidationError(str(error)) from error


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _year_field(name: str) -> forms.IntegerField:
    return model_field(Campaign, name, min_value=FIRST_MANDATE_YEAR, max_value=LAST_MANDATE_YEAR)


class CampaignForm(forms.Form):
    """A campaign, new or edited (`instance`, or `editing`: the kind then stays as it is).
    The rules that tie fields together (rounds, mandate years) are the service's."""

    title = model_field(Campaign, "title", help_text=_("For example: Municipales 2026."))
    kind = model_field(Campaign, "kind", choices=_capitalised(Campaign.Kind.choices))
    description = model_field(Campaign, "description")
    frameworks = model_field(
        Campaign,
        "frameworks",
        queryset=Framework.objects.current().order_by("title"),
        widget=forms.CheckboxSelectMultiple,
    )
    organizers = model_field(
        Campaign,
        "organizers",
        queryset=Organization.objects.partners().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    first_round = model_field(Campaign, "first_round", widget=DateInput())
    second_round = model_field(Campaign, "second_round", widget=DateInput())
    mandate_start = _year_field("mandate_start")
    mandate_end = _year_field("mandate_end")
    is_open = model_field(
        Campaign,
        "is_open",
        label=_("Open"),
        help_text=_("While open, groups take on communes and send signature invitations."),
    )
    letter_template = model_field(
        Campaign,
        "letter_template",
        widget=forms.Textarea(attrs={"rows": LETTER_ROWS}),
        required=False,
        initial=None,
        show_hidden_initial=False,
    )

    def __init__(self, *args, instance=None, editing=False, **kwargs):
        if instance is not None:
            editing = True
            kwargs["initial"] = {
                **model_to_dict(instance, fields=list(self.base_fields)),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        else:
            self.fields["kind"].help_text = " ".join(str(kind.description) for kind in KINDS.values())
        self.fields["frameworks"].label_from_instance = lambda framework: framework.title
        # Partner coordinators propose the frameworks of any current version; older versions stay
        # on the campaigns that already use them.
        if instance is not None:
            self.fields["frameworks"].queryset = (
                (Framework.objects.current() | Framework.objects.filter(campaigns=instance))
                .distinct()
                .order_by("title")
            )


class TakeOnForm(forms.Form):
    commune = CommuneField(max_length=COMMUNE_QUERY_MAX_LENGTH)
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
    name = model_field(CandidateList, "name")
    head_name = model_field(CandidateList, "head_name")
    email = model_field(
        CandidateList,
        "email",
        help_text=_("Seen only by the group and the coordinators; used for the signature invitation."),
    )
    political_label = model_field(CandidateList, "political_label", label=_("Political label (optional)"))
    address = model_field(
        CandidateList,
        "address",
        label=_("Postal address of the head of list (optional)"),
        widget=forms.Textarea(attrs={"rows": NOTES_ROWS, "autocomplete": "street-address"}),
    )


class StepForm(forms.Form):
    """A step of the log (a date in the future is refused by the service)."""

    kind = model_field(Step, "kind", choices=_capitalised(Step.Kind.choices))
    date = model_field(Step, "date", widget=DateInput(), initial=timezone.localdate)
    candidate_list = model_field(
        Step,
        "candidate_list",
        queryset=CandidateList.objects.none(),
        empty_label=_("The municipality / all lists"),
    )
    notes = model_field(Step, "notes", widget=forms.Textarea(attrs={"rows": NOTES_ROWS}))
    public_reason = model_field(Step, "public_reason", widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}))

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate_list"].queryset = target.lists.order_by("name")
        if not target.campaign.kind_spec.has_lists:
            del self.fields["candidate_list"]


def _framework_field(campaign):
    field = forms.ModelChoiceField(
        label=_("Framework"), queryset=campaign.frameworks.order_by("title"), empty_label=None
    )
    field.label_from_instance = lambda framework: framework.title
    return field


def _list_field(target, label):
    return forms.ModelChoiceField(label=label, queryset=target.lists.order_by("name"), empty_label=None)


class InvitationForm(forms.Form):
    email = model_field(SignatureInvitation, "email", label=_("Email of the signatory"))

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
                # Radio buttons: a level is a sentence, to be read whole (not a select's line).
                self.fields[f"level_{item.pk}"] = forms.ModelChoiceField(
                    label=_("Ambition level"),
                    queryset=Level.objects.filter(item=item),
                    required=False,
                    widget=forms.RadioSelect,
                    blank=True,
                    empty_label=_("No level chosen"),
                )
            self.fields[f"comment_{item.pk}"] = model_field(
                CommitmentItem,
                "comment",
                label=_("Comment (optional)"),
                widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}),
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
        _service_check(commitments_services.choices_check, self.framework, self.choices())


class SignForm(ItemChoicesMixin, forms.Form):
    signatory_name = model_field(Commitment, "signatory_name", label=_("Your name"))
    signatory_role = model_field(
        Commitment,
        "signatory_role",
        label=_("Your role"),
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
    signatory_name = model_field(Commitment, "signatory_name")
    signatory_role = model_field(Commitment, "signatory_role")
    signed_on = model_field(Commitment, "signed_on", widget=DateInput())
    scan = _file_field(Commitment, "scan", label=_("Scan of the signed bulletin"))

    def __init__(self, *args, target, framework, **kwargs):
        super().__init__(*args, **kwargs)
        if target.campaign.kind_spec.has_lists:
            self.fields["candidate_list"] = _list_field(target, _("List that signed"))
            self.order_fields(["candidate_list"])
        self.add_item_fields(framework)

    def clean_signed_on(self):
        date = self.cleaned_data["signed_on"]
        _service_check(commitments_services.signed_on_check, date)
        return date

    def clean(self):
        data = super().clean()
        self.check_choices()
        return data


class DeliberationForm(ItemChoicesMixin, forms.Form):
    reference = model_field(
        Commitment,
        "deliberation_reference",
        label=_("Reference of the deliberation"),
        help_text=_("For example: DEL-2026-045."),
        required=True,
    )
    adopted_on = model_field(Commitment, "signed_on", label=_("Adopted on"), widget=DateInput())
    file = _file_field(Commitment, "deliberation_file", label=_("The deliberation (PDF)"))

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_item_fields(framework)

    def clean_adopted_on(self):
        date = self.cleaned_data["adopted_on"]
        _service_check(services.adopted_on_check, date)
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
    reason = model_field(Commitment, "withdrawal_reason", label=_("Reason (optional, public)"))


class DeclineForm(forms.Form):
    """Declining from the signature link: "I do not commit" (plain text: public_reason_clean)."""

    public_reason = model_field(
        Step,
        "public_reason",
        label=_("Reason (optional, public)"),
        help_text=_("Shown on the public page of the commune with your refusal."),
        widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}),
    )


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
