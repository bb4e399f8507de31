"""Demo data of digital signatures, for `vcnet seed --demo`.

The platform CA, a personal certificate (PIN `DEMO_PIN`) and a blue handwritten signature for
each demo leader who signs, a seal certificate and a red seal image for each demo unit with an
e-office profile. The e-office demo calls `signing_demo_prepare()` before its outgoing
documents, so that those it issues are signed by the leader and sealed, and those left to sign
can be signed in the browser; `load_demo` (run after it) prints the PIN with the other demo
credentials.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from vcnet.accounts.demo import Writer, demo_email
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import Unit, User
from vcnet.signing.models import Certificate, SignatureImage

DEMO_PIN = "123456"  # public, documented demo signing PIN
ADMIN = "quantri"
# The demo units with an e-office (their seals) and the people who sign for them.
UNITS = (
    "btgdvtw",
    "btgdv-ha-noi",
    "btgdv-nghe-an",
    "btgdv-tp-hcm",
    "btgdv-lam-dong",
    "btgdv-da-nang",
)
SIGNERS = ("tuanpm", "haltt", "hungnv", "hangttm", "thanhhs", "phongvt", "thinhdv", "kienlt")


@dataclass
class DemoSigning:
    personal: int
    seals: int


def _person(local: str) -> User | None:
    return User.objects.filter(email=normalize_email(demo_email(local))).first()


def signing_demo_prepare() -> DemoSigning | None:
    """Create what the demo's signatures need, once (later calls add only what is missing);
    None when the demo organisation is not loaded."""
    from vcnet.signing import appearances, ca

    admin = _person(ADMIN)
    units = list(Unit.objects.filter(code__in=UNITS))
    if admin is None or not units:
        return None
    with transaction.atomic():
        ca.authority_init(actor=admin)
        personal = 0
        for local in SIGNERS:
            user = _person(local)
            if user is None or not user.memberships.exists():
                continue
            if not Certificate.objects.filter(
                owner=user, purpose=Certificate.Purpose.PERSONAL
            ).exists():
                ca.certificate_issue_personal(actor=user, user=user, pin=DEMO_PIN)
            if not SignatureImage.objects.filter(owner=user, kind="signature").exists():
                appearances.signature_image_upload(
                    actor=user,
                    data=appearances.demo_signature_png(user.full_name),
                    kind="signature",
                    owner=user,
                )
            personal += 1
        for unit in units:
            if ca.seal_certificate(unit) is None:
                ca.certificate_issue_seal(actor=admin, unit=unit)
            keeper = (  # a seal image is uploaded by the unit's administrator or registry
                User.objects.filter(
                    memberships__unit=unit, memberships__role__in=("unit_admin", "clerk")
                )
                .order_by("id")
                .first()
            )
            if keeper and not SignatureImage.objects.filter(unit=unit, kind="seal").exists():
                appearances.signature_image_upload(
                    actor=keeper, data=appearances.demo_seal_png(unit.name), kind="seal", unit=unit
                )
    return DemoSigning(personal=personal, seals=len(units))


def demo_certificate(user: User) -> Certificate:
    """The demo person's platform certificate (unlocked with `DEMO_PIN`)."""
    return Certificate.objects.filter(
        owner=user,
        purpose=Certificate.Purpose.PERSONAL,
        source=Certificate.Source.PLATFORM,
        status=Certificate.Status.ACTIVE,
    ).latest("created_at")


def load_demo(stdout: Writer) -> None:
    """Make sure the demo's keys and images exist; print the signing PIN."""
    made = signing_demo_prepare()
    if made is None:
        stdout.write(_("Signing demo skipped: the demo organisation is not loaded.") + "\n")
        return
    lines = [
        _("Digital signatures demo:"),
        _("the platform CA, %(n)d personal certificates with signature images, %(s)d unit seals")
        % {"n": made.personal, "s": made.seals},
        _("Every demo signing certificate is unlocked with the PIN: %(pin)s") % {"pin": DEMO_PIN},
        _(
            "Try it: %(head)s signs a document in the browser, %(clerk)s numbers and issues it "
            "with the seal, and the recipient unit sees its two valid signatures."
        )
        % {"head": demo_email("tuanpm"), "clerk": demo_email("lanvt")},
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
