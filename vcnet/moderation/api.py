"""The moderation API under /api/v1/moderation/ (RFC 9457 errors): reports, cases, actions,
appeals, rules, context notes, clarifications and the transparency report, for tools and phones."""

from ninja import Router

from vcnet.moderation import (
    api_cases,
    api_clarifications,
    api_notes,
    api_rules,
    api_transparency,
)

router = Router()
router.add_router("", api_cases.router)
router.add_router("/rules", api_rules.router)
router.add_router("/notes", api_notes.router)
router.add_router("/clarifications", api_clarifications.router)
router.add_router("/transparency", api_transparency.router)
