"""Sign-in, sign-out, password and profile pages."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vcnet.accounts import throttle
from vcnet.accounts.forms import LoginForm, PasswordResetForm, ProfileForm
from vcnet.accounts.models import User
from vcnet.accounts.selectors import memberships_of
from vcnet.accounts.services import auth_event_record, user_password_set, user_update_profile
from vcnet.core.audit import client_ip


class LoginView(auth_views.LoginView):
    """Sign-in by e-mail address or phone number, with failed attempts throttled."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        login = request.POST.get("username", "")
        wait = throttle.seconds_blocked(login=login, ip=client_ip(request))
        if wait:
            # Refused before the password is even checked, so guessing gains nothing. Logged
            # once a minute per login and address, so hammering cannot flood the audit chain.
            if throttle.refusal_first_in_minute(login=login, ip=client_ip(request)):
                auth_event_record(
                    action="auth.login_throttled", user=None, login=login, request=request
                )
            minutes = throttle.minutes_blocked(wait)
            form = self.form_class(request, initial={"username": login})
            context = self.get_context_data(
                form=form,
                throttled_message=ngettext(
                    "Too many failed sign-in attempts. Please wait %(minutes)d minute "
                    "and try again.",
                    "Too many failed sign-in attempts. Please wait %(minutes)d minutes "
                    "and try again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if isinstance(form, LoginForm) and form.is_wrong_credentials():
            login = form.data.get("username", "")
            throttle.failure_record(login=login, ip=client_ip(self.request))
            auth_event_record(
                action="auth.login_failed", user=None, login=login, request=self.request
            )
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        form = cast(LoginForm, form)
        user = form.get_user()
        throttle.failures_clear(login=form.cleaned_data["username"])
        auth_login(self.request, user)
        if not form.cleaned_data.get("remember_me"):
            self.request.session.set_expiry(0)  # ends when the browser closes
        auth_event_record(
            action="auth.login",
            user=user,
            login=form.cleaned_data["username"],
            request=self.request,
        )
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    """Sign-out: POST only (with the CSRF token), so a link or an image cannot sign anyone out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if isinstance(request.user, User):
            auth_event_record(action="auth.logout", user=request.user, request=request)
        return super().post(request, *args, **kwargs)


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the old one is asked for); other sessions are signed out."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Form) -> HttpResponse:
        user = cast(User, self.request.user)
        user_password_set(
            actor=user, user=user, password=form.cleaned_data["new_password1"], request=self.request
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the page is the same whether or not the address has an account."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the link in the e-mail."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Form) -> HttpResponse:
        user_password_set(
            actor=None,
            user=cast(User, self.user),
            password=form.cleaned_data["new_password1"],
            request=self.request,
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
