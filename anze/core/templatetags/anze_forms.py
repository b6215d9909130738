"""`{% load anze_forms %}{{ field|styled }}`: a form field rendered with the site's Bootstrap classes.

FilterSets and forms stay plain Django; the list include styles whatever widgets they have, so a new
filter never shows up unstyled.
"""

from __future__ import annotations

from django import forms, template

register = template.Library()


def widget_class(widget: forms.Widget, *, small: bool) -> str:
    size = "-sm" if small else ""
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple | forms.NullBooleanSelect):
        return f"form-select form-select{size}" if small else "form-select"
    return f"form-control form-control{size}" if small else "form-control"


@register.filter
def styled(field: forms.BoundField, size: str = "sm") -> str:
    """The field's widget with the Bootstrap class added to whatever classes it already has."""
    widget = field.field.widget
    existing = widget.attrs.get("class", "")
    wanted = widget_class(widget, small=size == "sm")
    classes = " ".join(dict.fromkeys((existing + " " + wanted).split()))
    return field.as_widget(attrs={"class": classes})
