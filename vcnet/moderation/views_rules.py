"""Pages where site moderators keep the automatic rules: the list with hits, a form to create or
change a rule, a button to switch one off, and a box to try a rule on a sample text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.moderation.models import ReportReason, Rule, RuleMatch, RuleOutcome
from vcnet.moderation.rules import FIELD_LABELS
from vcnet.moderation.services import rules as rule_services

SEVERITY_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RuleForm(forms.Form):
    """An automatic rule's values."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    match = forms.ChoiceField(
        label=gettext_lazy("Match"), choices=RuleMatch.choices, widget=forms.RadioSelect
    )
    pattern = forms.CharField(
        label=gettext_lazy("Words or pattern"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Words: one word or phrase a line, diacritics ignored (“xang mien phi” also "
            "catches “Xăng miễn phí”). Pattern: one regular expression, read against text "
            "without diacritics, in lower case."
        ),
    )
    # Not "fields": a form keeps its own fields under that name.
    where = forms.MultipleChoiceField(
        label=gettext_lazy("Where to look"),
        choices=list(FIELD_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=RuleOutcome.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Flag: the item stays up and a case opens for moderators. Hold: a post waits for "
            "a moderator's approval before anyone else sees it (names, bios and groups are "
            "only flagged)."
        ),
    )
    reason = forms.ModelChoiceField(
        label=gettext_lazy("Report reason"),
        queryset=ReportReason.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("(none)"),
    )
    severity = forms.TypedChoiceField(
        label=gettext_lazy("Severity"), choices=SEVERITY_CHOICES, coerce=int, initial=2
    )
    public_reason = forms.CharField(
        label=gettext_lazy("What the author is told when a post is held"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Leave empty for: “Your post is waiting for a moderator's review.”"),
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        assert isinstance(reason, forms.ModelChoiceField)  # noqa: S101
        reason.queryset = ReportReason.objects.filter(active=True).order_by("-severity", "name")

    @staticmethod
    def initial_of(rule: Rule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "match": rule.match,
            "pattern": rule.pattern,
            "where": rule.fields,
            "outcome": rule.outcome,
            "reason": rule.reason.code if rule.reason else None,
            "severity": rule.severity,
            "public_reason": rule.public_reason,
            "active": rule.active,
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        reason = data.get("reason")
        return {
            "name": data["name"],
            "match": data["match"],
            "pattern": data["pattern"],
            "fields": list(data["where"]),
            "outcome": data["outcome"],
            "reason_code": reason.code if reason else "",
            "severity": data["severity"],
            "public_reason": data["public_reason"],
            "active": data["active"],
        }


class RuleTryForm(forms.Form):
    """A rule, saved or not, and a sample text to try it on."""

    match = forms.ChoiceField(
        label=gettext_lazy("Match"), choices=RuleMatch.choices, widget=forms.RadioSelect
    )
    pattern = forms.CharField(
        label=gettext_lazy("Words or pattern"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    text = forms.CharField(
        label=gettext_lazy("Sample text"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  (login_required)
    return user


def _refused(form: forms.Form, exc: DomainError) -> None:
    """A refusal becomes the form's error; a NotFound stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    form.add_error(None, str(exc.message))


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule with its hits, active ones first."""
    rules = rule_services.rules_for_moderator(_user(request))
    rows = [
        {"rule": rule, "fields": [str(FIELD_LABELS[f]) for f in rule.fields if f in FIELD_LABELS]}
        for rule in rules
    ]
    return render(request, "moderation/rules.html", {"rows": rows, "tab": "moderation"})


def _try_form(rule: Rule | None = None) -> RuleTryForm:
    initial: dict[str, str] = {"match": RuleMatch.KEYWORD.value}
    if rule is not None:
        initial = {"match": rule.match, "pattern": rule.pattern}
    return RuleTryForm(initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    """Create a rule."""
    user = _user(request)
    rule_services.rules_check(user)
    form = RuleForm(request.POST or None, initial={"where": ["post", "comment"]})
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_services.rule_create(user=user, request=request, **form.values())
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The rule was created."))
            return redirect("moderation:rule_edit", pk=rule.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "moderation/rules_form.html",
        {"form": form, "rule": None, "try_form": _try_form(), "tab": "moderation"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a rule."""
    user = _user(request)
    rule = rule_services.rule_for_moderator(user, pk)
    form = RuleForm(request.POST or None, initial=RuleForm.initial_of(rule))
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_services.rule_update(
                user=user, rule_id=rule.pk, request=request, **form.values()
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("moderation:rule_edit", pk=rule.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "moderation/rules_form.html",
        {"form": form, "rule": rule, "try_form": _try_form(rule), "tab": "moderation"},
        status=status,
    )


@login_required
@require_POST
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a rule off."""
    rule = rule_services.rule_deactivate(user=_user(request), rule_id=pk, request=request)
    messages.success(request, _("The rule “%(name)s” was switched off.") % {"name": rule.name})
    return redirect("moderation:rules")


@login_required
@require_http_methods(["GET", "POST"])
def rule_test(request: HttpRequest) -> HttpResponse:
    """Try a rule on a sample text: the whole page, or (htmx) just the result."""
    user = _user(request)
    rule_services.rules_check(user)
    form = RuleTryForm(request.POST or None, initial={"match": RuleMatch.KEYWORD})
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = rule_services.rule_try(
                user=user, match=data["match"], pattern=data["pattern"], text=data["text"]
            )
        except DomainError as exc:
            _refused(form, exc)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers: the errors come back with 200, inside the result box.
        context: dict[str, Any] = {"try_form": form, "result": result, "partial": True}
        return render(request, "moderation/rules_test_result.html", context)
    status = 400 if form.is_bound and form.errors else 200
    context = {"try_form": form, "result": result, "tab": "moderation", "partial": False}
    return render(request, "moderation/rules_test.html", context, status=status)
