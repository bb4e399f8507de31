"""schema.org ClaimReview for an official clarification, so search engines and fact-check
aggregators can read the verdict; and its safe embedding in a `<script>` element.

Rating convention: 1 (worst) = false, 2 = misleading, 3 = missing context, 4 (best) = true;
`alternateName` carries the verdict's label in words.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from vcnet.moderation.models import Clarification, Verdict
from vcnet.moderation.services.clarifications import VERDICT_RATING, public_url
from vcnet.social.models import Post

__all__ = ["claim_review", "script_json"]

# The escapes of Django's `json_script`: nothing inside can close the script element or open
# an HTML comment, while the JSON stays the same once parsed.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def claim_review(
    clarification: Clarification,
    *,
    posts: Iterable[Post],
    absolute: Callable[[str], str],
) -> dict[str, Any]:
    """The ClaimReview of `clarification`; `posts` are the posts where the claim appeared and
    `absolute` turns a site path into a full address (e.g. `request.build_absolute_uri`)."""
    page = clarification.page
    appearances = [
        {"@type": "CreativeWork", "url": absolute(reverse("social:post", args=[post.pk]))}
        for post in posts
    ]
    claim: dict[str, Any] = {"@type": "Claim"}
    if appearances:
        claim["appearance"] = appearances
    if clarification.claim_url:
        claim["firstAppearance"] = {"@type": "CreativeWork", "url": clarification.claim_url}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(public_url(clarification)),
        "name": clarification.title,
        "claimReviewed": clarification.claim,
        "datePublished": timezone.localtime(clarification.published_at).date().isoformat(),
        "dateModified": clarification.updated_at.isoformat(),
        "inLanguage": "vi",
        "author": {
            "@type": "Organization",
            "name": page.display_name,
            "url": absolute(reverse("social:profile", args=[page.handle])),
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": VERDICT_RATING[clarification.verdict],
            "bestRating": 4,
            "worstRating": 1,
            "alternateName": str(Verdict(clarification.verdict).label),
        },
        "itemReviewed": claim,
    }
    if clarification.sources:
        review["citation"] = [
            {"@type": "CreativeWork", "url": source["url"], "name": source["title"]}
            for source in clarification.sources
        ]
    return review


def script_json(data: dict[str, Any]) -> SafeString:
    """`data` as JSON that is safe to place between `<script type="application/ld+json">` and
    `</script>`: `<`, `>` and `&` are written as \\u escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308  (escaped just above)
