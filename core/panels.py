"""Panels that an app adds to another app's page without that app importing it.

Apps depend downward only (territories ← frameworks ← actors ← campaigns…), yet a
commune's page shows its campaigns and an item's page the communes committed to it.
The upper app registers a panel in its AppConfig.ready(); the lower page renders
whatever panels are registered for its slot:

    panels.register("commune", "campaigns/includes/commune_panel.html", commune_context)

    # in the view
    context["panels"] = panels.collect("commune", commune, request)

    # in the template
    {% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}
"""

from dataclasses import dataclass

_REGISTRY = {}


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


def register(slot, template, context):
    """`context(obj, request)` returns the panel's context, or None to show nothing."""
    entries = _REGISTRY.setdefault(slot, [])
    if (template, context) not in entries:
        entries.append((template, context))


def collect(slot, obj, request):
    panels = []
    for template, context in _REGISTRY.get(slot, []):
        values = context(obj, request)
        if values is not None:
            panels.append(Panel(template, values))
    return panels
