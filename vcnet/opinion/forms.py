"""The dashboard's filter bar: a GET form whose values `selectors.filters_from` reads.

The form is drawn unbound, with the query string as its initial values: it only draws the
controls and echoes what was chosen. Parsing (and ignoring values that do not parse) is the
selector's job, so a link copied from the address bar means the same as the form that made it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vcnet.opinion.models import ItemKind

RANGE_PRESETS = ("24h", "7d", "30d", "90d")
RANGE_CHOICES = [
    ("24h", _("Last 24 hours")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
    ("90d", _("Last 90 days")),
    ("", _("Custom dates")),
]
MINE = "mine"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """Period (a preset or two dates), source, topic, province or the unit's region, and kind."""

    range = forms.ChoiceField(label=_("Period"), choices=RANGE_CHOICES, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=_date_input())
    end = forms.DateField(label=_("To (included)"), required=False, widget=_date_input())
    source = forms.TypedChoiceField(label=_("Source"), coerce=int, required=False)
    topic = forms.TypedChoiceField(label=_("Topic"), coerce=int, required=False)
    province = forms.ChoiceField(label=_("Province or city"), required=False)
    region = forms.BooleanField(
        label=_("My unit's province"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": MINE}),
    )
    kind = forms.ChoiceField(label=_("Kind of content"), required=False)

    def __init__(
        self,
        *args: Any,
        sources: list[tuple[int, str]],
        topics: list[tuple[int, str]],
        provinces: tuple[str, ...] | list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["source"].choices = [("", _("All sources")), *sources]
        fields["topic"].choices = [("", _("All topics")), *topics]
        fields["province"].choices = [("", _("All provinces")), *((p, p) for p in provinces)]
        fields["kind"].choices = [("", _("All kinds")), *ItemKind.choices]
