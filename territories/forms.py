"""The one way every form picks a commune: `CommuneField` and its `CommuneWidget`.

The widget is a text input (the name, a postal code or an INSEE code) that
territories/static/territories/js/commune_field.js turns into the same accessible
combobox as the header search; choosing a suggestion fills a hidden input with the
INSEE code (`<name>_code`). Without JavaScript the text alone is resolved on the server:
a name several communes bear ("Saint-Jean") is refused with the candidates, each with its
department, offered as radio buttons (`<name>_choice`) for the next submission. A commune
given as initial value (an instance or an INSEE code) shows as "Saint-Denis (93 ·
Seine-Saint-Denis)", never as a bare code.

The text is resolved with territories.queries.search_communes (the header search's
rules: accents, abbreviations, a trailing department code, postal codes) and the codes
with territories.lookup's INSEE_CODE; territories.lookup.Communes reads every commune,
which suits a file of thousands of rows, not one field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .lookup import INSEE_CODE
from .models import Commune
from .queries import MAX_QUERY_LENGTH, clean_query, search_communes

CANDIDATES = 8  # communes offered for an ambiguous text, at most
# "Saint-Denis (93 · Seine-Saint-Denis)", as the widget and the suggestions show a commune.
LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<department>\d[\dAB]{1,2}|2[AB])(?:\s*·[^)]*)?\)$", re.IGNORECASE)


def commune_label(commune: Commune) -> str:
    """How a chosen commune reads in the field: its name and its department."""
    return f"{commune.display_name} ({commune.department.code} · {commune.department.display_name})"


@dataclass
class CommuneValue:
    """What the widget holds: the text typed or shown, the INSEE code chosen (hidden input,
    filled by the script) and the candidate picked among those offered (radio button)."""

    text: str = ""
    code: str = ""
    choice: str = ""

    def __bool__(self) -> bool:
        return bool(self.text or self.code or self.choice)


def _communes():
    return Commune.objects.active().select_related("department", "parent__department")


def _commune_of_code(code: str) -> Commune | None:
    """The active commune of an INSEE code (an arrondissement's city for an arrondissement)."""
    code = code.strip().upper()
    if not INSEE_CODE.match(code):
        return None
    return _communes().filter(code=code).first()


def _city(commune: Commune) -> Commune:
    """A commune of its own: an arrondissement (Paris 11e) is offered as its city (Paris)."""
    if commune.kind == Commune.Kind.ARRONDISSEMENT and commune.parent and commune.parent.is_active:
        return commune.parent
    return commune


class CommuneWidget(forms.Widget):
    template_name = "territories/widgets/commune.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.candidates: list[Commune] = []

    def value_from_datadict(self, data, files, name):
        return CommuneValue(
            text=data.get(name, ""), code=data.get(f"{name}_code", ""), choice=data.get(f"{name}_choice", "")
        )

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_code" not in data and f"{name}_choice" not in data

    def format_value(self, value):
        """A CommuneValue as typed, a Commune, or an INSEE code (initial): what the inputs show."""
        if isinstance(value, CommuneValue):
            return value
        if isinstance(value, str) and value:
            value = _commune_of_code(value) or CommuneValue(text=value)
            if isinstance(value, Commune) and value.kind == Commune.Kind.ARRONDISSEMENT:
                value = CommuneValue(text=commune_label(value))
            if isinstance(value, CommuneValue):
                return value
        if isinstance(value, Commune):
            return CommuneValue(text=commune_label(value), code=value.code)
        return CommuneValue()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["candidates"] = [
            (commune.code, commune_label(commune)) for commune in self.candidates
        ]
        context["widget"]["search_url"] = reverse("api:communes_search")
        return context

    def use_required_attribute(self, initial):
        return False  # a chosen candidate, not the text, may be what is sent


class CommuneField(forms.Field):
    """A commune typed as its name (with its department if need be), a postal code or an
    INSEE code, or chosen among suggestions; cleaned to an active Commune (an
    arrondissement to its city)."""

    widget = CommuneWidget
    default_error_messages = {
        "unknown": _("No commune matches “%(value)s”. Check the spelling, or type its postal code."),
        "ambiguous": _("Several communes match “%(value)s”: choose yours among those offered."),
        "arrondissement": _(
            "%(commune)s is a municipal arrondissement: choose its city, %(city)s, among those offered."
        ),
    }

    def __init__(self, *, max_length=MAX_QUERY_LENGTH, **kwargs):
        self.max_length = max_length
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault(
            "help_text",
            _(
                "Its name, its postal code or its INSEE code, for example “Saint-Denis 93”, “93200” or “93066”."
            ),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length)}

    def to_python(self, value):
        if isinstance(value, Commune):
            return value
        if isinstance(value, str):
            value = CommuneValue(text=value)
        return value or None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        self.widget.candidates = []
        if not isinstance(value, CommuneValue):
            return value
        for code in (value.choice, value.code):
            commune = _commune_of_code(code) if code else None
            if commune is not None:
                return self._commune(commune)
        text = clean_query(value.text, self.max_length)
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        return self._from_text(text)

    def _from_text(self, text: str) -> Commune:
        if INSEE_CODE.match(text.upper()):
            commune = _commune_of_code(text)
            if commune is not None:
                return self._commune(commune)
            # Else a postal code ("93200"), which the search finds.
        label = LABEL.match(text)
        query = f"{label['name']} {label['department']}" if label else text
        matches = list(search_communes(query).select_related("parent__department")[: CANDIDATES * 2])
        exact = [match for match in matches if match.rank == 0]
        found = exact or matches
        if len(found) == 1:
            return self._commune(found[0])
        candidates = _unique(_city(match) for match in found)
        if len(candidates) == 1:  # "paris 1": Paris 1er, 10e… Arrondissement
            return self._commune(found[0])
        if not candidates:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text}
            )
        self.widget.candidates = candidates[:CANDIDATES]
        raise forms.ValidationError(
            self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
        )

    def _commune(self, commune: Commune) -> Commune:
        """The commune, unless an arrondissement: then its city is offered instead."""
        city = _city(commune)
        if city is commune:
            return commune
        self.widget.candidates = [city]
        raise forms.ValidationError(
            self.error_messages["arrondissement"],
            code="arrondissement",
            params={"commune": commune.display_name, "city": city.display_name},
        )


def _unique(communes) -> list[Commune]:
    seen: dict[int, Commune] = {}
    for commune in communes:
        seen.setdefault(commune.pk, commune)
    return list(seen.values())
