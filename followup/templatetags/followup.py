from django import template

from core.markdown import render

register = template.Library()


@register.filter
def markdown(text):
    """User text in Markdown, as sanitised HTML (core.markdown)."""
    return render(text)


@register.filter
def state_of(row, voice):
    """The state a board row has for a voice (None: the voice said nothing yet)."""
    return row.states.get(voice)
