"""Forms of working groups: what the fields accept (lengths, files by content); the rules
(who may, closed groups, identical files) are the services'."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.uploads import UploadValidator
from frameworks.forms import GroupedCheckboxSelectMultiple
from frameworks.models import Item, Theme

from ..models import Document, DocumentVersion, WorkingGroup
from ..services.workgroups import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES

FILE_HELP = _("PDF, ODT, ODS, DOCX, XLSX, text, CSV, PNG, JPEG or WebP, 10 MB at most.")


class ThemeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return capfirst(obj.label)


class WorkingGroupForm(forms.ModelForm):
    themes = ThemeChoice(
        label=_("Themes"),
        queryset=Theme.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.TypedMultipleChoiceField(
        label=_("Linked items"),
        required=False,
        coerce=int,
        widget=GroupedCheckboxSelectMultiple,
    )

    class Meta:
        model = WorkingGroup
        fields = ["name", "purpose", "themes", "items", "access", "visibility"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 8}),
            "access": forms.RadioSelect,
            "visibility": forms.RadioSelect,
        }
        labels = {
            "name": _("Name"),
            "purpose": _("Purpose"),
            "access": _("Who may join"),
            "visibility": pgettext_lazy("working group", "Who may see it"),
        }
        help_texts = {
            "access": _("Open: anyone signed in may join. By invitation: its coordinators invite people."),
            "visibility": _(
                "Members only: its page, meetings, documents and discussion are hidden from everyone else."
            ),
        }

    def __init__(self, *args, item_choices=(), for_committee=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices
        self.fields["items"].help_text = (
            _("Among the commune's committed items.")
            if for_committee
            else _("Among the items of the national frameworks.")
        )
        if not item_choices:  # a commune that committed to nothing yet: nothing to link
            del self.fields["items"]
        self.fields["access"].choices = [
            (WorkingGroup.Access.OPEN, pgettext_lazy("working group", "Open to all")),
            (WorkingGroup.Access.INVITATION, _("By invitation")),
        ]
        self.fields["visibility"].choices = [
            (WorkingGroup.Visibility.PUBLIC, pgettext_lazy("working group", "Public")),
            (WorkingGroup.Visibility.MEMBERS, _("Members only")),
        ]

    def _post_clean(self):
        """No model validation here (the owner is the view's): the services write it."""

    def arguments(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "themes": data["themes"],
            "items": list(Item.objects.filter(pk__in=data.get("items") or [])),
            "access": data["access"],
            "visibility": data["visibility"],
        }


def _file_field():
    return forms.FileField(
        label=_("File"),
        validators=[UploadValidator(types=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES)],
        help_text=FILE_HELP,
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Document._meta.get_field("title").max_length)
    file = _file_field()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=DocumentVersion._meta.get_field("note").max_length,
        help_text=_("What the document is, in a few words (optional)."),
    )


class VersionForm(forms.Form):
    file = _file_field()
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=DocumentVersion._meta.get_field("note").max_length,
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of their account"),
        max_length=254,
        help_text=_("The person must already have an account on the platform."),
    )


class CloseForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["conclusion"]
        widgets = {"conclusion": forms.Textarea(attrs={"rows": 10})}
        labels = {"conclusion": _("Conclusion")}
        help_texts = {
            "conclusion": _("What the group did and concluded. Markdown: **bold**, *italics*, lists, links.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conclusion"].required = True
        self.fields["conclusion"].error_messages["required"] = _("Write the conclusion of the working group.")

    def _post_clean(self):
        """The service writes it (and checks the version)."""


class FilterForm(forms.Form):
    """The list's filters (GET): a theme, the status, words of the name."""

    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    statut = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("all")),
            ("open", _("under way")),
            ("closed", pgettext_lazy("working group", "closed")),
        ],
    )

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("all")), *((t.code, capfirst(t.label)) for t in themes)]

    def filters(self):
        if not self.is_valid():
            return {"theme": "", "status": "", "query": ""}
        data = self.cleaned_data
        return {"theme": data["theme"], "status": data["statut"], "query": data["q"].strip()}
