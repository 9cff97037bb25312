"""Forms of the follow-up: what the fields accept (types, lengths, files by content). The
rules (who speaks for whom, statuses, the progress's bounds, conflicts) are the services'."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator

from .board import Filters, status_choices
from .models import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, Evidence, Status, Update, Voice
from .services import Proof

MUNICIPALITY_CHOICE = "municipality"
GROUP_PREFIX = "group-"


def speaking_choices(voices, groups):
    """The voices a user may speak with: the municipality, then each of their local groups."""
    choices = []
    if Voice.MUNICIPALITY in voices:
        choices.append((MUNICIPALITY_CHOICE, _("the municipality (verified municipal contact)")))
    for group in groups if Voice.CIVIL_SOCIETY in voices else ():
        choices.append((f"{GROUP_PREFIX}{group.pk}", _("civil society: %(group)s") % {"group": group.name}))
    return choices


class SpeakingFor(forms.Form):
    """The voice chosen, and the local group for civil society (`speaker()`)."""

    speaking_for = forms.ChoiceField(label=_("You speak for"))

    def __init__(self, *args, voices=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {group.pk: group for group in groups}
        self.fields["speaking_for"].choices = speaking_choices(voices, groups)

    def speaker(self):
        """(voice, organization) from the cleaned choice."""
        value = self.cleaned_data["speaking_for"]
        if value == MUNICIPALITY_CHOICE:
            return Voice.MUNICIPALITY, None
        return Voice.CIVIL_SOCIETY, self.groups.get(int(value.removeprefix(GROUP_PREFIX)))


class UpdateForm(SpeakingFor, forms.ModelForm):
    """A voice's update (with the state's version it was shown) or a joint statement's draft."""

    # The evidence fields, laid out in their own fieldset by the template.
    rendered_elsewhere = ("link_url", "link_label", "deliberation_reference", "file")

    status = forms.ChoiceField(label=_("Status"), required=False)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5, "inputmode": "numeric"}),
        help_text=_("From 0 to 100. Leave empty to keep the current estimate."),
    )
    link_url = forms.URLField(
        label=_("Link to a source"), required=False, max_length=500, assume_scheme="https"
    )
    link_label = forms.CharField(label=_("What the link shows"), required=False, max_length=200)
    deliberation_reference = forms.CharField(
        label=_("Council deliberation"),
        required=False,
        max_length=100,
        help_text=_("Its reference, for example “2026-045 of 12 March 2026”."),
    )
    file = forms.FileField(
        label=_("Document"),
        required=False,
        validators=[UploadValidator(types=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES)],
        help_text=_("PDF, PNG, JPEG or WebP, 5 MB at most."),
    )
    # The versions of both voices' states the form was shown (the chosen voice's is compared).
    municipality_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    civil_society_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Update
        fields = ["text", "status", "progress"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, joint=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["speaking_for", "status", "progress", "text"])
        self.fields["status"].choices = [
            ("", _("unchanged")),
            *((value, capfirst(label)) for value, label in Status.choices),
        ]
        if joint:
            del self.fields["municipality_version"], self.fields["civil_society_version"]
            self.fields["speaking_for"].label = _("You draft it for")
            self.fields["status"].help_text = _("The status both sides agree on, if any.")

    def _post_clean(self):
        """No model validation here: the services check the update (statuses, progress, who
        speaks), with their own messages; the model's constraints are the database's safety net."""

    def evidence(self):
        data = self.cleaned_data
        proofs = []
        if data.get("link_url"):
            proofs.append(
                Proof(kind=Evidence.Kind.LINK, url=data["link_url"], label=data.get("link_label", ""))
            )
        if data.get("deliberation_reference"):
            proofs.append(Proof(kind=Evidence.Kind.DELIBERATION, reference=data["deliberation_reference"]))
        if data.get("file"):
            # Its own name is not kept (it may name people): the page says "attached document".
            proofs.append(Proof(kind=Evidence.Kind.FILE, file=data["file"]))
        return proofs

    def arguments(self):
        """The service's keyword arguments (the voice and group, the content, the evidence)."""
        voice, organization = self.speaker()
        data = self.cleaned_data
        versions = {}
        if "municipality_version" in self.fields:
            versions["version"] = data[f"{voice}_version"]
        return {
            **versions,
            "voice": voice,
            "organization": organization,
            "text": data["text"],
            "status": data.get("status") or "",
            "progress": data.get("progress"),
            "evidence": self.evidence(),
        }


class CosignForm(SpeakingFor):
    """Co-signing a joint statement, with the versions of both voices' states it was shown."""

    municipality_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    civil_society_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaking_for"].label = _("You co-sign for")

    def versions(self):
        return {
            Voice.MUNICIPALITY: self.cleaned_data["municipality_version"],
            Voice.CIVIL_SOCIETY: self.cleaned_data["civil_society_version"],
        }


class FilterForm(forms.Form):
    """The board's filters (GET): framework, theme, status, voice."""

    referentiel = forms.ChoiceField(label=_("Framework"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    statut = forms.ChoiceField(label=_("Status"), required=False)
    voix = forms.ChoiceField(label=_("Voice"), required=False)

    def __init__(self, *args, frameworks=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _("all"))
        self.fields["referentiel"].choices = [everything, *((f.slug, f.title) for f in frameworks)]
        self.fields["theme"].choices = [everything, *((t.code, capfirst(t.label)) for t in themes)]
        self.fields["statut"].choices = [everything, *((v, capfirst(label)) for v, label in status_choices())]
        self.fields["voix"].choices = [
            ("", _("both")),
            *((value, capfirst(label)) for value, label in Voice.choices),
        ]

    def filters(self):
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            framework=data["referentiel"], theme=data["theme"], status=data["statut"], voice=data["voix"]
        )
