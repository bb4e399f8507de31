"""Forms of the social network's pages: compose, reply, edit, share, profile."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vcnet.social.models import ReplyPolicy, Visibility

MAX_TEXT = 5000

POLL_DURATIONS = [
    (300, _("5 minutes")),
    (3600, _("1 hour")),
    (86_400, _("1 day")),
    (604_800, _("7 days")),
    (2_678_400, _("1 month")),
]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to four images in one input; each is checked by the media service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > 4:
            raise forms.ValidationError(_("You can attach at most four images."))
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ComposeForm(forms.Form):
    """A new post: text, images, a poll, a content warning, who sees it and who may reply."""

    text = forms.CharField(
        label=_("What would you like to share?"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "compose-text"}),
    )
    images = MultipleImageField(label=_("Images"), required=False)
    image_description = forms.CharField(
        label=_("Image description for people who cannot see it"), max_length=1500, required=False
    )
    content_warning = forms.CharField(label=_("Content warning"), max_length=200, required=False)
    sensitive = forms.BooleanField(label=_("Sensitive images"), required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    reply_policy = forms.ChoiceField(
        label=_("Who can reply"), choices=ReplyPolicy.choices, initial=ReplyPolicy.EVERYONE
    )
    as_actor = forms.TypedChoiceField(label=_("Post as"), coerce=int, required=False, choices=())
    publish_at = forms.DateTimeField(
        label=_("Publish later (pages)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, choices=())
    group_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    poll_options = forms.CharField(
        label=_("Poll options, one a line (two to four)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    poll_expires_in = forms.TypedChoiceField(
        label=_("Poll closes after"),
        coerce=int,
        choices=POLL_DURATIONS,
        initial=86_400,
        required=False,
        empty_value=None,
    )
    poll_multiple = forms.BooleanField(label=_("Allow several choices"), required=False)

    def __init__(
        self,
        *args: Any,
        pages: list[Any] = (),  # type: ignore[assignment]
        units: list[Any] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit_ids = [u.pk for u in units]
        cast(forms.ChoiceField, self.fields["as_actor"]).choices = [("", _("Myself"))] + [
            (p.pk, p.display_name) for p in pages
        ]
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", "—")] + [
            (u.pk, u.name) for u in units
        ]
        if not pages:
            self.fields["as_actor"].widget = forms.HiddenInput()
            self.fields["publish_at"].widget = forms.HiddenInput()
        if not units:
            self.fields["unit"].widget = forms.HiddenInput()

    def poll_choices(self) -> list[str]:
        """The non-empty poll option lines."""
        raw = self.cleaned_data.get("poll_options") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        options = self.poll_choices() if "poll_options" in data else []
        if options and not 2 <= len(options) <= 4:
            self.add_error("poll_options", _("A poll has two to four options."))
        if options and self.cleaned_data.get("images"):
            self.add_error("poll_options", _("A post has either images or a poll, not both."))
        return data


class ReplyForm(forms.Form):
    """A comment on a post."""

    text = forms.CharField(
        label=_("Write a comment"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    """A change to one's own post; the earlier version is kept."""

    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    content_warning = forms.CharField(label=_("Content warning"), max_length=200, required=False)
    sensitive = forms.BooleanField(label=_("Sensitive images"), required=False)


class ShareForm(forms.Form):
    """A share, or a quote when a comment is given."""

    comment = forms.CharField(
        label=_("Add a comment (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProfileForm(forms.Form):
    """One's name, bio and pictures on the social network."""

    display_name = forms.CharField(label=_("Display name"), max_length=100)
    bio = forms.CharField(
        label=_("About you"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    avatar = forms.ImageField(label=_("Avatar"), required=False)
    header = forms.ImageField(label=_("Header image"), required=False)
