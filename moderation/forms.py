from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, required=False
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("hide", _("Hide")), ("restore", _("Restore")), ("dismiss", _("Dismiss"))]
    )
    reason = forms.CharField(label=_("Reason, sent to the author"), max_length=500, required=False)
