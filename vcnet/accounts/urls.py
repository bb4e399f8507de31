"""Account pages at /accounts/; allauth's own URLs are mounted after these (vcnet/urls.py).

The names other templates use (`accounts:login`, `accounts:logout`, `accounts:password_change`,
`accounts:password_reset`) point at allauth's views on allauth's paths, so both names work.
"""

from allauth.account import views as allauth_views
from django.urls import path

from vcnet.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("signup/", allauth_views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("email/", views.EmailView.as_view(), name="email"),
    path("sessions/", views.SessionsView.as_view(), name="sessions"),
    path("password/change/", allauth_views.password_change, name="password_change"),
    path("password/reset/", allauth_views.password_reset, name="password_reset"),
]
