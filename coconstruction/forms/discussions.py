"""Forms of discussions: start one, comment (a reply or a quote), edit a comment, close a
discussion with a summary. The comment forms carry a one-time `submission_key`: the same
form sent twice writes one comment."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.discussions import SUMMARY_MAX, TEXT_MAX, TITLE_MAX

MARKDOWN_HELP = _("Markdown: **bold**, *italics*, lists, links. Name a participant with @ and their name.")


def _text_field(label, max_length=TEXT_MAX, help_text=MARKDOWN_HELP):
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write your comment."),
            "max_length": _("Keep it under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )


class _Submitted(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class ThreadForm(_Submitted):
    title = forms.CharField(
        label=_("Subject"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the discussion a subject.")},
    )
    text = _text_field(_("First comment"))


class CommentForm(_Submitted):
    text = _text_field(_("Your comment"))
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quoted = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentEditForm(forms.Form):
    text = _text_field(_("Your comment"))


class CloseForm(forms.Form):
    summary = _text_field(
        _("Summary"),
        max_length=SUMMARY_MAX,
        help_text=_("What the discussion concluded (Markdown). Nobody can comment once it is closed."),
    )
    summary.error_messages["required"] = _("Write the summary of the discussion.")
