"""The signing API at /api/v1/signatures: certificates, validation, two-step signature requests."""

from ninja import Router

from vcnet.signing.api_certificates import router as certificates_router
from vcnet.signing.api_requests import router as requests_router
from vcnet.signing.api_validate import router as validate_router

router = Router(tags=["signatures"])
router.add_router("", certificates_router)
router.add_router("", validate_router)
router.add_router("", requests_router)
