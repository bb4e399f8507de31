"""The social network's writing pages: compose, comment, edit, delete, vote."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vcnet.accounts.models import Unit, User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social import access
from vcnet.social.forms import ComposeForm, EditForm, ReplyForm
from vcnet.social.models import Post, PostState, ScheduledPost, Visibility
from vcnet.social.selectors import posts as post_selectors
from vcnet.social.services import (
    actors as actor_services,
)
from vcnet.social.services import (
    media as media_services,
)
from vcnet.social.services import (
    polls,
)
from vcnet.social.services import (
    posts as post_services,
)
from vcnet.social.views import web


def _refuse(form: ComposeForm | ReplyForm | EditForm, exc: DomainError) -> None:
    """Show a service's refusal on the form; a NotFound stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    form.add_error(None, str(exc.message))


def _held_message(post: Post) -> str:
    """What the author reads when an automatic rule held their post for a moderator."""
    waiting = _("Your post is waiting for a moderator's review.")
    reason = post.state_reason.strip()
    parts = [waiting, reason] if reason and reason != waiting else [waiting]
    return " ".join([*parts, _("Only you can see it until a moderator approves it.")])


def _create_from_form(request: HttpRequest, user: User, form: ComposeForm) -> Post | ScheduledPost:
    """Upload the images, then create the post the form describes (or schedule a page's post)."""
    data = form.cleaned_data
    group = access.group_for_user(user, data["group_id"]) if data.get("group_id") else None
    unit = None
    if data["visibility"] == Visibility.UNIT:
        only = form.unit_ids[0] if len(form.unit_ids) == 1 else None
        unit_id = data.get("unit") or only
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    as_actor = None
    if data.get("as_actor"):
        as_actor = next(
            (p for p in actor_services.pages_for_editor(user) if p.pk == data["as_actor"]), None
        )
        if as_actor is None:
            raise NotFound(_("This page does not exist."))
    if data.get("publish_at") and as_actor is None:
        raise DomainError(_("Only a page's posts can be scheduled: choose the page to post as."))
    media_ids = [
        media_services.media_upload(
            user=user, file=image, description=data.get("image_description") or ""
        ).pk
        for image in data.get("images") or []
    ]
    options = form.poll_choices()
    poll = (
        post_services.PollSpec(
            options=options,
            expires_in=data["poll_expires_in"] or 86_400,
            multiple=data["poll_multiple"],
        )
        if options
        else None
    )
    if data.get("publish_at") and as_actor is not None:
        return post_services.scheduled_post_create(
            user=user,
            page=as_actor,
            publish_at=data["publish_at"],
            text=data["text"],
            visibility=data["visibility"],
            content_warning=data["content_warning"],
            sensitive=data["sensitive"],
            reply_policy=data["reply_policy"],
            media_ids=media_ids,
            poll=poll,
        )
    return post_services.post_create(
        user=user,
        text=data["text"],
        as_actor=as_actor,
        visibility=Visibility.GROUP if group else data["visibility"],
        group=group,
        unit=unit,
        content_warning=data["content_warning"],
        sensitive=data["sensitive"],
        reply_policy=data["reply_policy"],
        media_ids=media_ids,
        poll=poll,
        request=request,
    )


@login_required
@require_POST
def compose(request: HttpRequest) -> HttpResponse:
    """Publish a post; htmx puts it at the top of the feed and gives back an empty form."""
    user = cast(User, request.user)
    form = web.compose_form_for(user, data=request.POST, files=request.FILES)
    post = None
    if form.is_valid():
        try:
            made = _create_from_form(request, user, form)
        except DomainError as exc:
            _refuse(form, exc)
        else:
            if isinstance(made, ScheduledPost):
                when = date_format(timezone.localtime(made.publish_at), "DATETIME_FORMAT")
                messages.success(
                    request, _("The page's post will be published at %(time)s.") % {"time": when}
                )
                target = web.next_url(request, reverse("social:home"))
                if web.is_htmx(request):
                    return HttpResponse(status=204, headers={"HX-Redirect": target})
                return redirect(target)
            post = made
    action_url = reverse("social:compose")
    if web.is_htmx(request):
        context = {"form": form, "action_url": action_url, "next": web.next_url(request, "")}
        if post is not None:
            shown = post_selectors.post_detail(user, post.pk)
            context["form"] = web.compose_form_for(user, group_id=form.cleaned_data.get("group_id"))
            context["new_post"] = shown
            context["new_state"] = web.states_for(user, [shown]).get(shown.pk)
        return render(request, "social/_compose_result.html", context)
    if post is None:
        if form.data.get("group_id"):
            for error in form.errors.values():
                messages.error(request, " ".join(str(e) for e in error))
            return redirect(web.next_url(request, reverse("social:home")))
        return web.home(request, form=form)
    if post.state == PostState.HELD:
        messages.info(request, _held_message(post))
    else:
        messages.success(request, _("Your post was published."))
    return redirect(web.next_url(request, reverse("social:home")))


@login_required
@require_POST
def reply(request: HttpRequest, post_id: int) -> HttpResponse:
    """Comment on a post, or answer a comment (threads stay one level deep)."""
    user = cast(User, request.user)
    root = post_selectors.post_detail(user, post_id)
    form = ReplyForm(request.POST)
    comment = None
    if form.is_valid():
        target = root
        if form.cleaned_data.get("in_reply_to"):
            target = access.post_for_user(user, form.cleaned_data["in_reply_to"])
        try:
            comment = post_services.post_create(
                user=user, text=form.cleaned_data["text"], in_reply_to=target, request=request
            )
        except DomainError as exc:
            _refuse(form, exc)
    if comment is None:
        return web.post_detail(request, post_id, reply_form=form)
    if comment.state == PostState.HELD:
        messages.info(request, _held_message(comment))
    url = reverse("social:post", args=[root.thread_root_id or root.pk])
    return HttpResponseRedirect(f"{url}#post-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Change one's post; the earlier version stays in its history."""
    user = cast(User, request.user)
    post = post_selectors.post_detail(user, post_id)
    state = web.states_for(user, [post]).get(post.pk)
    if state is None or not state.can_edit:
        raise NotFound(_("This post does not exist."))
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                changed = post_services.post_edit(
                    user=user,
                    post_id=post.pk,
                    text=form.cleaned_data["text"],
                    content_warning=form.cleaned_data["content_warning"],
                    sensitive=form.cleaned_data["sensitive"],
                    request=request,
                )
            except DomainError as exc:
                _refuse(form, exc)
            else:
                if changed.state == PostState.HELD:
                    messages.info(request, _held_message(changed))
                else:
                    messages.success(request, _("Your post was changed."))
                return redirect("social:post", post_id=post.pk)
    else:
        form = EditForm(
            initial={
                "text": post.text,
                "content_warning": post.content_warning,
                "sensitive": post.sensitive,
            }
        )
    return render(request, "social/post_edit.html", {"form": form, "post": post})


@login_required
@require_POST
def delete(request: HttpRequest, post_id: int) -> HttpResponse:
    """Delete a post (its author, a page editor or a group moderator)."""
    user = cast(User, request.user)
    post = access.post_for_user(user, post_id)
    root_id = post.thread_root_id if post.thread_root_id != post.pk else None
    post_services.post_delete(user=user, post_id=post.pk, request=request)
    if web.is_htmx(request):
        return HttpResponse("")
    messages.success(request, _("The post was deleted."))
    default = reverse("social:post", args=[root_id]) if root_id else reverse("social:home")
    target = web.next_url(request, default)
    if target.split("#")[0].rstrip("/").endswith(f"/posts/{post_id}"):
        target = default
    return redirect(target)


@login_required
@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    """Vote in a post's poll (once)."""
    user = cast(User, request.user)
    post = post_selectors.post_detail(user, post_id)
    poll = getattr(post, "poll", None)
    if poll is None:
        raise NotFound(_("This poll does not exist."))
    choices = [int(c) for c in request.POST.getlist("choice") if c.isdigit()]
    try:
        polls.poll_vote(user=user, poll_id=poll.pk, choices=choices)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your vote was counted."))
    return redirect(web.next_url(request, reverse("social:post", args=[post.pk])))
