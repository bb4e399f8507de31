"""Account pages: sign-in (allauth, answering 429 when throttled), profile, sessions, e-mail."""

from __future__ import annotations

from importlib import import_module
from typing import Any, cast

from allauth.account import views as allauth_views
from allauth.usersessions.views import ListUserSessionsView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vcnet.accounts.adapter import THROTTLE_ATTR, email_address_ensure
from vcnet.accounts.devices import browser_summary
from vcnet.accounts.forms import ProfileForm
from vcnet.accounts.models import User
from vcnet.accounts.selectors import memberships_of
from vcnet.accounts.services import auth_event_record, user_update_profile
from vcnet.core.signals import sessions_ended


class LoginView(allauth_views.LoginView):
    """allauth's sign-in, except that a refusal by the throttle answers HTTP 429."""

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        wait = getattr(self.request, THROTTLE_ATTR, None)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response


class EmailView(allauth_views.EmailView):
    """allauth's e-mail management; accounts made by an administrator get their record first."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request.user, User):
            email_address_ensure(request.user)
        return super().dispatch(request, *args, **kwargs)


class SessionsView(ListUserSessionsView):
    """The person's signed-in browsers and devices, with "sign out everywhere else"."""

    template_name = "usersessions/usersession_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for session in context["sessions"]:
            session.browser = browser_summary(session.user_agent)
        return context

    def form_valid(self, form: Form) -> HttpResponse:
        user = cast(User, self.request.user)
        ended = [s for s in self.get_context_data()["sessions"] if not s.is_current()]
        others = len(ended)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        session_data = [store(session_key=s.session_key).load() for s in ended]
        response = super().form_valid(form)
        sessions_ended.send(sender=User, user_id=user.pk, session_data=session_data)
        auth_event_record(
            action="auth.sessions_ended",
            user=user,
            data={"count": str(others)},
            request=self.request,
        )
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own profile: details, memberships and the edit form."""
    user = cast(User, request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                user_update_profile(
                    actor=user,
                    user=user,
                    full_name=form.cleaned_data["full_name"],
                    phone=form.cleaned_data["phone"],
                    avatar=form.cleaned_data["avatar"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial={"full_name": user.full_name, "phone": user.phone or ""})
    return render(
        request,
        "accounts/profile.html",
        {"profile_user": user, "memberships": memberships_of(user), "form": form},
    )
