"""The social network's JSON API: Mastodon's client API (paths and shapes) under /api/v1/.

`router` is mounted at /api/v1/ by `vcnet.api` (ROUTERS); `router_v2` at /api/v2/ by
`vcnet.social.api.v2`. Errors under these paths are Mastodon's `{"error": "..."}`.
"""

from vcnet.social.api import (  # noqa: F401 - each module adds its endpoints to the routers
    accounts,
    apps,
    instance,
    media,
    notifications,
    search,
    statuses,
    timelines,
)
from vcnet.social.api.errors import register
from vcnet.social.api.router import router, router_v2  # first: vcnet.api may import us midway

register()

__all__ = ["router", "router_v2"]
