"""The one way forms are rendered on the site: `{{ form }}` in any template.

Django's form renderer uses core/forms/form.html for a form and core/forms/field.html for
each field (label or legend, the widget, its errors and help text, linked to the widget by
aria-describedby). A form whose page lays out some fields itself (the item choices of a
bulletin) lists their names in `rendered_elsewhere`; `{{ form }}` renders the others."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
