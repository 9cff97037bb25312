"""How pages and emails name a commune's committee: "Comité de suivi du Havre (76)".

    {% load committees %}
    {% blocktranslate with of_commune=commune|of_commune %}Follow-up committee {{ of_commune }}{% endblocktranslate %}

The filter is notices.of_commune (the one implementation, also used by Committee.__str__
and the meeting emails), evaluated in the language active when the template renders (an
email's recipient's)."""

from django import template

from .. import notices

register = template.Library()


@register.filter
def of_commune(commune):
    """ "de Saint-Denis (93)", "du Havre (76)", "d’Aubervilliers (93)"; "of Le Havre (76)" in English."""
    return notices.of_commune(commune) if commune else ""
