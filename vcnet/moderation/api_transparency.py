"""Moderation API: transparency (filled in by its part)."""

from ninja import Router

router = Router(tags=["moderation"])
