"""Background work of the provider: back-channel logout (ids only)."""

from __future__ import annotations

from django_tasks import task

from vcnet.sso.backchannel import backchannel_logout_run


@task(queue_name="default")
def backchannel_logout(*, user_id: int, sid: str) -> dict[str, str]:
    """Tell the applications of session `sid` that the person signed out, and revoke their tokens."""
    return backchannel_logout_run(user_id=user_id, sid=sid)
