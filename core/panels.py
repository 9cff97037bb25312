"""Panels that an app adds to another app's page without that app importing it.

Apps depend downward only, in the layers of docs/architecture.md (checked by
import-linter, configured in pyproject.toml), top to bottom:

    config → pages → coconstruction → campaigns | followup → commitments → notifications
    → frameworks | moderation → actors → territories → accounts → core

yet a commune's page (territories) shows its campaigns and an item's page (frameworks)
the communes committed to it (commitments' panel). The upper app registers a panel in
its AppConfig.ready(); the lower page renders whatever panels are registered for its slot:

    panels.register("commune", "campaigns/includes/commune_panel.html", commune_context)

    # in the view
    context["panels"] = panels.collect("commune", commune, request)

    # in the template
    {% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}

The other registries of core work the same way: personal_data.py (export and erasure of
a user's data), mfa.py (the roles that require two-factor authentication).
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
