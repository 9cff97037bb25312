"""Forms of the framework editor. They only shape what the publisher types into the
files' format; the rules are checked on the whole draft by `validation.parse_data`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FILTER_GROUPS, THEME_GROUPS, THEMES, Item, Section


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose groups of choices are fieldsets with a legend."""

    template_name = "core/widgets/grouped_multiple_input.html"


class DraftForm(forms.Form):
    """Every edit carries the revision of the draft it was made on."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class HeadForm(DraftForm):
    version = forms.CharField(label=_("Version"), max_length=20, help_text=_("Such as 2026 or 2020.1."))
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    short_title = forms.CharField(label=_("Short title"), max_length=40, required=False)
    source_url = forms.URLField(
        label=_("Address of the official text"), max_length=500, assume_scheme="https"
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    missing = forms.CharField(
        label=_("Items not yet on the platform"),
        required=False,
        help_text=_("Their codes, separated by commas, when they are known."),
    )
    complete = forms.BooleanField(
        label=_("Every item of the official text is on the platform"),
        required=False,
        help_text=_("Leave unticked while items are missing, even if their codes are unknown."),
    )

    @classmethod
    def initial_from(cls, data, revision):
        initial = {key: data.get(key) for key in cls.base_fields if key not in ("missing", "revision")}
        initial["missing"] = ", ".join(str(code) for code in data.get("missing") or [])
        initial["complete"] = data.get("complete", True)
        initial["revision"] = revision
        return initial

    def values(self):
        values = {key: self.cleaned_data[key] for key in self.fields if key not in ("revision", "missing")}
        values["version"] = values["version"].strip()
        values["missing"] = [code.strip() for code in self.cleaned_data["missing"].split(",") if code.strip()]
        return values


class SectionForm(DraftForm):
    code = forms.CharField(label=_("Code"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind"), choices=Section.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def values(self):
        return {key: self.cleaned_data[key].strip() for key in ("code", "kind", "title", "summary")}


def theme_choices():
    """The themes, grouped as in the filters (a theme appears in its first group)."""
    seen, groups = set(), []
    for group in FILTER_GROUPS:
        label, codes = THEME_GROUPS[group]
        choices = [(code, THEMES[code]) for code in codes if code not in seen]
        seen.update(codes)
        groups.append((label, choices))
    return groups


class ItemForm(DraftForm):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("Such as 07 or A."))
    section = forms.ChoiceField(label=_("Section"))
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words; the official text is linked from the page."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=GroupedCheckboxSelectMultiple, choices=theme_choices
    )
    levels = forms.CharField(
        label=_("Ambition levels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One level per line, from the first to the most ambitious. Leave empty for none."),
    )
    confidence = forms.ChoiceField(
        label=_("How sure is this text?"),
        choices=[
            (Item.Confidence.CONFIRMED, _("Confirmed by the publisher")),
            (Item.Confidence.SINGLE_SOURCE, _("Rests on a single source: to be confirmed")),
            (Item.Confidence.INFERRED, _("Inferred: to be confirmed")),
        ],
        widget=forms.RadioSelect,
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    maps_to = forms.MultipleChoiceField(
        label=_("National items it stands for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Commitments to this item count for these items on every national page."),
    )

    def __init__(self, *args, sections, national_items=None, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [
            (section.get("code"), f"{section.get('code')} — {section.get('title')}") for section in sections
        ]
        self.previous_levels = list(levels)
        if national_items is None:
            del self.fields["maps_to"]
        else:
            self.fields["maps_to"].choices = [(code, f"{code}. {title}") for code, title in national_items]

    @classmethod
    def initial_from(cls, item, revision):
        initial = {key: item.get(key) for key in ("code", "section", "title", "summary", "themes", "maps_to")}
        initial["levels"] = "\n".join(level.get("title", "") for level in item.get("levels") or [])
        initial["sources"] = "\n".join(item.get("sources") or [])
        initial["confidence"] = item.get("confidence") or Item.Confidence.CONFIRMED
        initial["revision"] = revision
        return initial

    def values(self):
        data = self.cleaned_data
        codes = [str(level.get("code")) for level in self.previous_levels]
        titles = _lines(data["levels"])
        used = set()
        levels = []
        for position, title in enumerate(titles):
            code = codes[position] if position < len(codes) else str(position + 1)
            while code in used:
                code = f"{code}b"
            used.add(code)
            levels.append({"code": code, "title": title})
        values = {
            "code": data["code"].strip(),
            "section": data["section"],
            "title": data["title"].strip(),
            "summary": data["summary"].strip(),
            "themes": sorted(data["themes"]),
            "levels": levels,
            "sources": _lines(data["sources"]),
        }
        if data["confidence"] != Item.Confidence.CONFIRMED:
            values["confidence"] = data["confidence"]
        if "maps_to" in self.fields:
            values["maps_to"] = sorted(data["maps_to"])
        return values


class LocalVersionForm(forms.Form):
    group = forms.ModelChoiceField(label=_("For the local group"), queryset=None, empty_label=None)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
