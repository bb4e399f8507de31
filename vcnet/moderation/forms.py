"""Forms of the moderation pages: a report, a moderator's action, a reversal, an appeal and its
decision, a moderator role. They only parse what people type; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.moderation.models import ActionKind, ModeratorScope, ReportReason

REASON_MAX = 2000
REPORT_TEXT_MAX = 1000
LABEL_MAX = 200


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Set a choice field's options (known only when the form is built)."""
    field = form.fields[name]
    if isinstance(field, forms.ChoiceField):
        field.choices = choices


class ReportForm(forms.Form):
    """What is wrong with an item: one of the offered reasons, and details when needed."""

    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason for your report.")},
    )
    text = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=REPORT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional, except for “Other”. Only moderators read it."),
    )

    def __init__(self, *args: Any, reasons: list[ReportReason], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = reasons
        _choices(self, "reason", [(reason.code, reason.name) for reason in reasons])


class ActionForm(forms.Form):
    """A moderator's decision on a case: what to do, the rule broken, the reason the author
    reads, the label's text and the end of a suspension."""

    kind = forms.ChoiceField(label=_("Action"), error_messages={"required": _("Choose an action.")})
    policy = forms.ChoiceField(label=_("Rule broken"), required=False)
    reason = forms.CharField(
        label=_("Reason shown to the author"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author reads this, and may appeal. Be specific and polite."),
        error_messages={"required": _("Please give the reason the author will be shown.")},
    )
    label_text = forms.CharField(
        label=_("Label text"),
        required=False,
        max_length=LABEL_MAX,
        help_text=_("For “Add a label”: the words readers see on the item."),
    )
    until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For “Suspend for a period”: the last day of the suspension (at most a year)."),
    )

    def __init__(
        self, *args: Any, kinds: list[str], reasons: list[ReportReason], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer(kinds)
        _choices(self, "policy", [("", _("None")), *[(r.code, r.name) for r in reasons]])

    def offer(self, kinds: list[str]) -> None:
        """Offer these actions in the select (the ones the moderator may take now)."""
        labels = dict(ActionKind.choices)
        _choices(self, "kind", [(k, labels.get(k, k)) for k in kinds])

    def until_datetime(self) -> dt.datetime | None:
        """The chosen last day, to its end in the site's time zone."""
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


class ReverseForm(forms.Form):
    """Why an action is undone (the author is told)."""

    reason = forms.CharField(
        label=_("Why is this action reversed?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please say why the action is reversed.")},
    )


class AppealForm(forms.Form):
    """The author's one appeal against an action."""

    text = forms.CharField(
        label=_("Why was this decision wrong?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Another moderator will read your appeal and decide. You can appeal once."),
        error_messages={"required": _("Please explain why the action was wrong.")},
    )


class DecideForm(forms.Form):
    """Another moderator's decision on an appeal."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("uphold", _("Uphold: the action stands")),
            ("overturn", _("Overturn: reverse the action")),
        ],
        error_messages={"required": _("Choose to uphold or overturn the action.")},
    )
    reason = forms.CharField(
        label=_("Reason shown to the author"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the reason the author will be shown.")},
    )

    @property
    def overturn(self) -> bool:
        return self.cleaned_data.get("decision") == "overturn"


class RoleForm(forms.Form):
    """A new moderator role: the person (by e-mail) and where they moderate."""

    email = forms.EmailField(label=_("The person's e-mail address"))
    scope = forms.ChoiceField(
        label=_("Moderates"),
        choices=ModeratorScope.choices,
        initial=ModeratorScope.UNIT,
        widget=forms.RadioSelect,
    )
    unit = forms.CharField(
        label=_("Unit code"),
        required=False,
        max_length=40,
        help_text=_("For a unit: its code, for example btg-nghe-an. Units under it are included."),
    )
    group = forms.CharField(
        label=_("Group address"),
        required=False,
        max_length=80,
        help_text=_("For a group: the last part of its address, for example ban-doc-nghe-an."),
    )
