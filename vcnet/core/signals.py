"""Plumbing signals shared between apps (no business rules run in receivers)."""

from django.dispatch import Signal

# Sent after sessions other than the current request's were ended (e.g. "sign out everywhere
# else"), with `user_id` and `session_data`: the data of each ended session, read before it
# was deleted. Apps that keep per-session state elsewhere (sso's back-channel logout) listen.
sessions_ended = Signal()
