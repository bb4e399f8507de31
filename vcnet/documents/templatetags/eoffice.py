"""Small template helpers of the e-office pages: deadlines and badges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vcnet.documents.models import EDXML_STATUS, Priority

register = template.Library()


@register.simple_tag
def deadline_badge(deadline: dt.date | None, done: bool = False) -> SafeString | str:
    """ "còn 2 ngày", "hôm nay", or "quá hạn 3 ngày" in red; nothing without a deadline."""
    if deadline is None or done:
        return ""
    if isinstance(deadline, dt.datetime):
        deadline = timezone.localtime(deadline).date()
    days = (deadline - timezone.localdate()).days
    if days < 0:
        text = ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
        css = "badge badge-danger"
    elif days == 0:
        text, css = _("due today"), "badge badge-warning"
    else:
        text = ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
        css = "badge badge-warning" if days <= 2 else "badge"
    return format_html(
        '<span class="{}"><time datetime="{}">{}</time></span>', css, deadline.isoformat(), text
    )


@register.simple_tag
def priority_badge(priority: int) -> SafeString | str:
    """Urgent documents stand out; express (hỏa tốc) ones in red."""
    if not priority:
        return ""
    css = "badge badge-danger" if priority >= Priority.EXPRESS else "badge badge-warning"
    return format_html('<span class="{}">{}</span>', css, Priority(priority).label)


@register.filter
def edxml_label(code: Any) -> str:
    """The edXML status code as words ("03" → "Registered")."""
    if not code:
        return _("Not sent yet")
    return str(EDXML_STATUS.get(str(code), code))


@register.simple_tag
def may_see_reports(user: Any) -> bool:
    """Whether the statistics and registers links belong in this person's menu."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from vcnet.accounts.models import Membership, Role

    return Membership.objects.filter(user=user, role__in=(Role.CLERK, Role.LEADER)).exists()
