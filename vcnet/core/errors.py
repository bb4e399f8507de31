"""Domain errors raised by services; one handler turns each into an HTML message or problem+json."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is shown to the user."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does."""

    status = 404
    code = "not_found"


class PermissionDeniedError(DomainError):
    """The user is known but may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a stale version)."""

    status = 409
    code = "conflict"
