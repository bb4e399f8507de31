"""The Mastodon client API's routers: /api/v1/ (mounted by vcnet.api) and /api/v2/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["social"])
router_v2 = Router(tags=["social"])
