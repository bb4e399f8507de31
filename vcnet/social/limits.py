"""The social network's rate limits: requests per account and per address, posts, follows.

- Requests: `SOCIAL_REQUESTS_LIMIT` (300) per `SOCIAL_REQUESTS_WINDOW` (5 minutes) for each
  account (its session user, or its bearer token) and each client address, on /social/ and on
  the Mastodon API paths; counted by `vcnet.social.middleware_limits.RateLimitMiddleware`.
- Posts (comments included) and follows per hour, tighter during an account's first day:
  `SOCIAL_POSTS_PER_HOUR` / `SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR`, `SOCIAL_FOLLOWS_PER_HOUR` /
  `SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR`. `post_create` and `follow_create` call the checks.
- Links during an account's first day: refused in posts and comments unless
  `SOCIAL_NEW_ACCOUNT_LINKS` is True (default False); `post_create` calls `check_links`.

The mention cap per post (`SOCIAL_MAX_MENTIONS`) is enforced by `post_create` itself.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vcnet.accounts.models import User
from vcnet.core.audit import client_ip
from vcnet.core.errors import DomainError
from vcnet.core.ratelimit import RateLimited, rate_limit_hit, rate_limit_hits, retry_message
from vcnet.social.models import Actor, ActorKind

__all__ = [
    "NEW_ACCOUNT_AGE",
    "check_follow",
    "check_links",
    "check_post",
    "check_request",
    "is_limited_path",
    "is_mastodon_path",
    "is_new_account",
]

NEW_ACCOUNT_AGE = dt.timedelta(days=1)
HOUR = 3600
SOCIAL_PREFIX = "/social/"

_DEFAULTS = {
    "SOCIAL_REQUESTS_LIMIT": 300,
    "SOCIAL_REQUESTS_WINDOW": 300,
    "SOCIAL_POSTS_PER_HOUR": 200,
    "SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR": 30,
    "SOCIAL_FOLLOWS_PER_HOUR": 400,
    "SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR": 50,
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))


def is_new_account(user: User) -> bool:
    """Whether `user` signed up less than a day ago (tighter limits apply)."""
    joined = getattr(user, "date_joined", None)
    return joined is None or joined > timezone.now() - NEW_ACCOUNT_AGE


def _check_action(user: User, action: str, normal: str, new: str) -> None:
    young = is_new_account(user)
    limit = _setting(new if young else normal)
    wait = rate_limit_hit(f"social:{action}:user:{user.pk}", limit=limit, window=HOUR)
    if not wait:
        return
    message = retry_message(wait)
    if young:
        message += " " + _new_account_note(action, limit)
    raise RateLimited(message, retry_after=wait)


def _new_account_note(action: str, limit: int) -> str:
    if action == "post":
        return ngettext(
            "During its first day an account may post %(limit)d time an hour.",
            "During its first day an account may post %(limit)d times an hour.",
            limit,
        ) % {"limit": limit}
    return ngettext(
        "During its first day an account may follow %(limit)d account an hour.",
        "During its first day an account may follow %(limit)d accounts an hour.",
        limit,
    ) % {"limit": limit}


def check_post(user: User) -> None:
    """Count one post (or comment) by `user`; raise `RateLimited` past the hourly limit."""
    _check_action(user, "post", "SOCIAL_POSTS_PER_HOUR", "SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR")


def check_follow(user: User) -> None:
    """Count one follow by `user`; raise `RateLimited` past the hourly limit."""
    _check_action(user, "follow", "SOCIAL_FOLLOWS_PER_HOUR", "SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR")


# A web address (http:// or https://), "www.", or a bare domain with a common top-level domain;
# "TP.HCM" or "v.v." are not domains. E-mail addresses are not links.
_TLDS = (
    "com|net|org|info|biz|vn|io|co|me|xyz|top|site|online|app|dev|link|click|live|news|shop|"
    "store|club|tv|cc|ly|gl|to|ru|cn|us|uk|de|fr|jp|kr|in|gov|edu|asia|pro|tk|ml|ga|cf|gq"
)
_LINK = re.compile(
    r"https?://\S"
    r"|(?<![\w@.-])www\.[\w-]+"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})(?![\w@-])(?!\.\w)",
    re.IGNORECASE,
)


def has_link(text: str) -> bool:
    """Whether `text` holds a web address (a scheme, "www." or a bare domain)."""
    return _LINK.search(text) is not None


def check_links(user: User, text: str, *, author: Actor | None = None) -> None:
    """Refuse a link in a post or comment during the account's first day (spam protection).

    Staff, and posts made as an official page (whose editors their unit appoints), may link.
    """
    if getattr(settings, "SOCIAL_NEW_ACCOUNT_LINKS", False) or not is_new_account(user):
        return
    if user.is_staff or (author is not None and author.kind == ActorKind.PAGE):
        return
    if has_link(text):
        raise DomainError(
            _(
                "During its first day an account cannot post links. Please remove the link, "
                "or post it again tomorrow."
            ),
            code="new_account_link",
        )


@functools.cache
def limited_api_prefixes() -> tuple[str, ...]:
    """The Mastodon API's path prefixes (v1 and v2) and VCNET's social extensions."""
    # Imported here: vcnet.api mounts every router, and the social services import this module.
    from vcnet.api import MASTODON_PREFIXES, MASTODON_V2_RESERVED

    return (
        *MASTODON_PREFIXES,
        *(f"/api/v2/{name}" for name in sorted(MASTODON_V2_RESERVED)),
        "/api/v1/vcnet",
    )


def is_mastodon_path(path: str) -> bool:
    """Whether `path` is one of the Mastodon client API's (errors in Mastodon's shape)."""
    return any(path == p or path.startswith(p + "/") for p in limited_api_prefixes()[:-1])


def is_limited_path(path: str) -> bool:
    """Whether requests to `path` count against the request limit."""
    if path.startswith(SOCIAL_PREFIX):
        return True
    return any(path == p or path.startswith(p + "/") for p in limited_api_prefixes())


def _subjects(request: HttpRequest) -> list[str]:
    subjects = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        subjects.append(f"user:{user.pk}")
    else:
        authorization = request.headers.get("Authorization", "")
        if authorization.lower().startswith("bearer "):
            # The token stands for its account without a database query on every request.
            digest = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
            subjects.append(f"token:{digest}")
    ip = client_ip(request)
    if ip:
        subjects.append(f"ip:{ip}")
    return subjects


def check_request(request: HttpRequest) -> None:
    """Count one request per account and per address; raise `RateLimited` past the limit."""
    if not is_limited_path(request.path_info):
        return
    limit = _setting("SOCIAL_REQUESTS_LIMIT")
    window = _setting("SOCIAL_REQUESTS_WINDOW")
    keys = [f"social:requests:{subject}" for subject in _subjects(request)]
    wait = rate_limit_hits(keys, limit=limit, window=window)
    if wait:
        raise RateLimited(retry_after=wait)
