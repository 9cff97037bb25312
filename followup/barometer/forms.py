"""Forms of the barometer: what the fields accept. The rules (the period, one barometer per
framework and year, who rates, the scale, all or nothing) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import GROUP_PREFIX, SpeakingFor
from ..models import COMMENT_MAX, Score
from .queries import ratings_stamp
from .services import Answer


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BarometerForm(forms.Form):
    """A barometer's year and period (the year is fixed once it exists)."""

    year = forms.IntegerField(
        label=_("Year"), widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 2020, "max": 2100})
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DateInput(), help_text=_("Ratings are accepted until this day included.")
    )

    def __init__(self, *args, fixed_year=False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_year:
            del self.fields["year"]

    def arguments(self):
        return dict(self.cleaned_data)


class RatingsForm(SpeakingFor):
    """One level and one comment per item; the group spoken for when the user has several.

    The fields are `score_<item id>` and `comment_<item id>`: the service's messages land on them."""

    def __init__(self, *args, items=(), ratings=None, voice="", groups=(), **kwargs):
        ratings = ratings or {}
        initial = kwargs.pop("initial", {}) or {}
        for item in items:
            rating = ratings.get(item.pk)
            if rating is not None:
                initial.setdefault(f"score_{item.pk}", str(rating.score))
                initial.setdefault(f"comment_{item.pk}", rating.comment)
        initial.setdefault("stamp", ratings_stamp(ratings.values()))
        super().__init__(*args, voices=[voice], groups=groups, initial=initial, **kwargs)
        self.items = list(items)
        self.fields["stamp"] = forms.CharField(required=False, widget=forms.HiddenInput)
        if voice != "civil_society" or len(groups) < 2:
            del self.fields["speaking_for"]
        else:
            self.fields["speaking_for"].choices = [(f"{GROUP_PREFIX}{g.pk}", g.name) for g in groups]
            self.fields["speaking_for"].label = _("You speak for the local group")
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.TypedChoiceField(
                label=_("Rating of item %(code)s") % {"code": item.code},
                choices=[("", _("not rated"))] + [(str(value), label) for value, label in Score.choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment on item %(code)s") % {"code": item.code},
                required=False,
                # The length is the service's check (its message names the item).
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": COMMENT_MAX}),
            )

    def rows(self):
        """(item, its level field, its comment field) for each item, in order."""
        return [(item, self[f"score_{item.pk}"], self[f"comment_{item.pk}"]) for item in self.items]

    def organization(self):
        if "speaking_for" not in self.fields:
            return None
        return self.speaker()[1]

    def seen(self):
        """The stamp of the ratings the form showed (None: a form without it is not checked)."""
        return self.cleaned_data.get("stamp") or None

    def take_stamp(self, stamp):
        """After a conflict: sending the form again saves over the ratings it now shows."""
        self.data = self.data.copy()
        self.data[self.add_prefix("stamp")] = stamp

    def answers(self):
        return {
            item.pk: Answer(
                score=self.cleaned_data.get(f"score_{item.pk}"),
                comment=self.cleaned_data.get(f"comment_{item.pk}", ""),
            )
            for item in self.items
        }
