"""Forms of the commitments made elsewhere: declaring one (the framework's items to tick,
the date, who committed, the proof, in whose name), confirming or refusing it, withdrawing
it, and importing many from a spreadsheet. What the fields accept is theirs; the rules
(who may, dates, proof, duplicates) are commitments.declarations'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commitments.declarations import Committer, ProofGiven
from commitments.models import PROOF_MAX_BYTES, PROOF_TYPES, Declaration
from core.uploads import UploadValidator
from frameworks.models import Framework, Level

Capacity = Declaration.Capacity
SEPARATOR = "-"


def capacity_value(capacity, organization):
    """A capacity as a form value: "municipality", "staff", "local_group-12", "partner-3"."""
    return f"{capacity}{SEPARATOR}{organization.pk}" if organization is not None else capacity


def capacity_label(capacity, organization):
    if capacity == Capacity.MUNICIPALITY:
        return _("the municipality (verified municipal contact)")
    if capacity == Capacity.STAFF:
        return _("the platform team")
    if capacity == Capacity.LOCAL_GROUP:
        return _("the local group %(name)s") % {"name": organization.name}
    return _("the national partner %(name)s") % {"name": organization.name}


class CapacityField(forms.ChoiceField):
    """In whose name one acts, among `capacities` [(capacity, organization or None)];
    cleaned to that pair. Who holds one capacity only may leave it out."""

    def __init__(self, *args, capacities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = {capacity_value(*pair): pair for pair in capacities}
        self.choices = [(value, capacity_label(*pair)) for value, pair in self.capacities.items()]
        if len(self.capacities) == 1:
            self.initial = next(iter(self.capacities))
            self.required = False

    def clean(self, value):
        value = super().clean(value) or self.initial
        if value not in self.capacities:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return self.capacities[value]


class FrameworkChoiceForm(forms.Form):
    """The framework of a declaration (GET): its items are then shown to tick."""

    referentiel = forms.ModelChoiceField(
        label=_("Framework"),
        queryset=Framework.objects.current().order_by("title"),
        to_field_name="slug",
        empty_label=None,
    )


class DeclarationForm(forms.ModelForm):
    """A declaration: one checkbox per item of the framework (with its level, if it has
    some), the date, who committed, the proof and in whose name it is declared."""

    proof_url = Declaration._meta.get_field("proof_url").formfield(
        assume_scheme="https",
        help_text=_("A public page that shows the commitment (a partner's site, the town hall's)."),
    )

    class Meta:
        model = Declaration
        fields = ["committed_on", "committed_by", "list_name", "head_name", "proof_file", "proof_url"]
        fields += ["deliberation_reference"]
        widgets = {
            "committed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "committed_by": forms.RadioSelect,
        }
        help_texts = {
            "committed_on": _("The day the list signed or the council voted."),
            "list_name": _("For a list's commitment: the elected list's name."),
            "proof_file": _("PDF, PNG, JPEG or WebP, 5 MB at most."),
            "deliberation_reference": _("Its reference, for example “2026-045 of 12 March 2026”."),
        }

    def __init__(self, *args, framework, capacities, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["declared_as"] = CapacityField(label=_("You declare it for"), capacities=capacities)
        self.fields["committed_by"].choices = Declaration.CommittedBy.choices
        self.fields["proof_file"].validators = [UploadValidator(types=PROOF_TYPES, max_bytes=PROOF_MAX_BYTES)]
        self.order_fields(["declared_as", "committed_by", "list_name", "head_name", "committed_on"])
        self.add_item_fields(framework)

    def add_item_fields(self, framework):
        self.sections, self.rendered_elsewhere = [], set()
        items = framework.items.select_related("section").prefetch_related("levels").order_by("position")
        by_section = {}
        for item in items:
            check = f"item_{item.pk}"
            self.fields[check] = forms.BooleanField(label=f"{item.code}. {item.title}", required=False)
            entry = {"item": item, "check": check, "level": None}
            levels = list(item.levels.all())
            if levels:
                entry["level"] = f"level_{item.pk}"
                self.fields[entry["level"]] = forms.ModelChoiceField(
                    label=_("Ambition level"),
                    queryset=Level.objects.filter(item=item),
                    required=False,
                    empty_label=_("No level chosen"),
                )
            # Laid out by followup/declarations/item_choices.html, not by {{ form }}.
            self.rendered_elsewhere.update(name for name in (check, entry["level"]) if name)
            by_section.setdefault(item.section, []).append(entry)
        self.sections = [{"section": section, "entries": entries} for section, entries in by_section.items()]

    def bound_sections(self):
        return [
            {
                "section": group["section"],
                "entries": [
                    {
                        "item": entry["item"],
                        "check": self[entry["check"]],
                        "level": self[entry["level"]] if entry["level"] else None,
                    }
                    for entry in group["entries"]
                ],
            }
            for group in self.sections
        ]

    def _post_clean(self):
        """No model validation here: the services check the declaration, with their own
        messages; the model's constraints are the database's safety net."""

    def arguments(self):
        """The service's keyword arguments."""
        data = self.cleaned_data
        capacity, organization = data["declared_as"]
        choices = [
            (entry["item"], data.get(entry["level"]) if entry["level"] else None)
            for group in self.sections
            for entry in group["entries"]
            if data.get(entry["check"])
        ]
        return {
            "framework": self.framework,
            "choices": choices,
            "committed_on": data.get("committed_on"),
            "committer": Committer(
                data.get("committed_by") or "", data.get("list_name", ""), data.get("head_name", "")
            ),
            "proof": ProofGiven(
                data.get("proof_file") or None,
                data.get("proof_url", ""),
                data.get("deliberation_reference", ""),
            ),
            "capacity": capacity,
            "organization": organization,
        }


class DecisionForm(forms.Form):
    """Confirming (with an optional note) or refusing (with its reason) a declaration."""

    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=Declaration._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, capacities, refusal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_as"] = CapacityField(label=_("You decide for"), capacities=capacities)
        self.order_fields(["decided_as", "reason"])
        if refusal:
            self.fields["reason"].label = _("Why you refuse it")
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("The declarer reads it.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=Declaration._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"), help_text=_("10 MB at most."))

    def __init__(self, *args, capacities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declared_as"] = CapacityField(label=_("You declare them for"), capacities=capacities)
