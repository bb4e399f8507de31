"""Group pages: the directory, a group's feed, joining and leaving, requests, members, pins."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import Membership, Role, Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social import feeds
from vcnet.social.models import Group, GroupKind, GroupRole, Post
from vcnet.social.selectors import groups as group_selectors
from vcnet.social.services import groups as group_services
from vcnet.social.views import web

PAGE_SIZE = 20


class GroupForm(forms.Form):
    """Open a group."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    slug = forms.SlugField(
        label=gettext_lazy("Address"),
        max_length=60,
        help_text=gettext_lazy("Letters a-z, digits and hyphens, e.g. chuyen-doi-so."),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Who can join"), choices=GroupKind.choices)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        admin_units = (
            Unit.objects.all()
            if user.is_staff
            else Unit.objects.filter(
                pk__in=Membership.objects.filter(user=user, role=Role.UNIT_ADMIN).values("unit_id")
            )
        )
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        unit_field.queryset = admin_units.order_by("name")
        if not unit_field.queryset.exists():
            kind_field = cast(forms.ChoiceField, self.fields["kind"])
            kind_field.choices = [c for c in GroupKind.choices if c[0] != GroupKind.UNIT]
            del self.fields["unit"]


def _fail(request: HttpRequest, exc: DomainError) -> None:
    """A refusal becomes a message; a NotFound stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    messages.error(request, str(exc.message))


@require_http_methods(["GET", "POST"])
def directory(request: HttpRequest) -> HttpResponse:
    """Groups one may find, one's own groups, and (signed in) the form to open one."""
    user = web.viewer(request)
    q = request.GET.get("q", "")[:100]
    form = GroupForm(user=user) if user else None
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        form = GroupForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = group_services.group_create(
                    user=user,
                    name=data["name"],
                    slug=data["slug"],
                    kind=data["kind"],
                    description=data["description"],
                    unit=data.get("unit"),
                    request=request,
                )
            except DomainError as exc:
                if isinstance(exc, NotFound):
                    raise
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The group was created."))
                return redirect("social:group", slug=group.slug)
    mine = list(group_services.groups_for_user(user).select_related("unit")[:50]) if user else []
    found = list(group_services.groups_directory(user, q)[:50])
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "social/groups/directory.html",
        {
            "tab": "groups",
            "q": q,
            "mine": mine,
            "found": found,
            "form": form,
            "mine_ids": {g.pk for g in mine},
        },
        status=status,
    )


def _group_context(request: HttpRequest, group: Group) -> dict[str, Any]:
    user = web.viewer(request)
    return {
        "tab": "groups",
        "group": group,
        "membership": group_selectors.membership_of(user, group),
        "is_member": group_services.is_group_member(user, group),
        "is_moderator": group_services.is_group_moderator(user, group),
        "is_owner": group_services.is_group_owner(user, group),
    }


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A group's page: about, join button, compose, search within, and its posts (pinned first)."""
    user = web.viewer(request)
    group = group_services.group_get(user, slug)
    ctx = _group_context(request, group)
    q = request.GET.get("q", "").strip()[:200]
    if q:
        from vcnet.social.search import social_search

        results = social_search(user, q, type="posts", group_id=group.pk, limit=PAGE_SIZE)
        page = feeds.FeedPage(posts=results.posts, next_max_id=None, prev_min_id=None)
    else:
        page = feeds.feed_group(user, group, max_id=web.int_arg(request, "max_id"), limit=PAGE_SIZE)
    ctx["q"] = q
    if user is not None and ctx["is_member"]:
        ctx["form"] = web.compose_form_for(user, group_id=group.pk)
        ctx["action_url"] = reverse("social:compose")
    ctx["staff"] = list(group_selectors.group_staff(group))
    if ctx["is_moderator"] and group.kind == GroupKind.PRIVATE:
        ctx["pending_count"] = group_selectors.group_requests(group).count()
    ctx.update(
        page=page,
        states=web.states_for(user, page.posts),
        more_url=web.more_url(request, page) if not q else None,
    )
    if web.is_more_request(request):
        return render(request, "social/groups/_feed_items.html", ctx)
    return render(request, "social/groups/detail.html", ctx)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    """Join a public group, or ask to join a private one."""
    user = cast(User, request.user)
    group = group_services.group_findable(user, slug)
    try:
        membership = group_services.group_join(
            user=user, group_id=group.pk, message=request.POST.get("message", ""), request=request
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect("social:groups")
    if membership.state == "pending":
        messages.success(request, _("Your request was sent to the group's moderators."))
        return redirect(web.next_url(request, reverse("social:groups")))
    messages.success(request, _("You joined the group."))
    return redirect("social:group", slug=group.slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    """Leave a group, or withdraw one's request to join."""
    user = cast(User, request.user)
    group = group_services.group_findable(user, slug)
    try:
        group_services.group_leave(user=user, group_id=group.pk, request=request)
    except DomainError as exc:
        _fail(request, exc)
        return redirect("social:group", slug=group.slug)
    messages.success(request, _("You left the group."))
    return redirect("social:groups")


def _moderated(request: HttpRequest, slug: str) -> Group:
    """The group if the signed-in person moderates it; NotFound otherwise."""
    user = cast(User, request.user)
    group = group_services.group_findable(user, slug)
    if not group_services.is_group_moderator(user, group):
        raise NotFound(_("This page does not exist."))
    return group


@login_required
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Pending requests to join a private group; moderators accept or decline them."""
    user = cast(User, request.user)
    group = _moderated(request, slug)
    if request.method == "POST":
        raw = request.POST.get("membership", "")
        accept = request.POST.get("decision") == "accept"
        if (
            not raw.isdigit()
            or not group_selectors.group_requests(group).filter(pk=int(raw)).exists()
        ):
            raise NotFound(_("This request does not exist."))
        group_services.group_request_decide(
            user=user, membership_id=int(raw), accept=accept, request=request
        )
        messages.success(
            request, _("The request was accepted.") if accept else _("The request was declined.")
        )
        return redirect("social:group_requests", slug=group.slug)
    ctx = _group_context(request, group)
    ctx["pending"] = list(group_selectors.group_requests(group))
    return render(request, "social/groups/requests.html", ctx)


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The group's members and moderators; owners change roles, moderators remove members."""
    user = web.viewer(request)
    group = group_services.group_get(user, slug)
    if request.method == "POST":
        if user is None or not group_services.is_group_moderator(user, group):
            raise NotFound(_("This page does not exist."))
        raw = request.POST.get("user", "")
        role = request.POST.get("role", "")
        if not raw.isdigit() or role not in [*GroupRole.values, "remove"]:
            messages.error(request, _("Please choose a member and a role."))
        else:
            try:
                group_services.group_member_role_set(
                    user=user,
                    group_id=group.pk,
                    target_user_id=int(raw),
                    role=None if role == "remove" else role,
                    request=request,
                )
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("The member's role was changed."))
        return redirect("social:group_members", slug=group.slug)
    ctx = _group_context(request, group)
    ctx["members"] = group_selectors.group_members(group)
    roles = {m.user_id: m.role for m in group_selectors.group_staff(group)}
    ctx["rows"] = [(m, roles.get(m.pk, GroupRole.MEMBER)) for m in ctx["members"]]
    ctx["roles"] = GroupRole.choices
    return render(request, "social/groups/members.html", ctx)


@login_required
@require_POST
def pin(request: HttpRequest, post_id: int) -> HttpResponse:
    """Pin a post at the top of its group, or unpin it (that group's moderators)."""
    user = cast(User, request.user)
    pinned = request.POST.get("pinned", "1") == "1"
    post: Post = group_services.group_post_pin(
        user=user, post_id=post_id, pinned=pinned, request=request
    )
    messages.success(request, _("The post was pinned.") if pinned else _("The post was unpinned."))
    slug = post.group.slug if post.group is not None else ""
    return redirect(web.next_url(request, reverse("social:group", kwargs={"slug": slug})))
