"""Inter-agency document exchange: one small interface, one module per hub format.

A *format adapter* turns the neutral `Package` / `StatusMessage` below into the bytes a hub
carries and back. QCVN 102:2016 edXML (`edxml.py`) is the canonical one; a provincial hub with
its own dialect is another module of the same shape, registered with `adapter_register()`.

The *transport* (where the bytes go: a folder, an HTTP hub) lives in `hub.py`. The services that
tie both to documents and deliveries are in `vcnet.documents.services.exchange`.

Adapters parse untrusted input: they must refuse anything doubtful with `ExchangeError` (a
`DomainError` with a message for the registry), never with a bare exception.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from vcnet.core.errors import DomainError

__all__ = [
    "ORGAN_ID_RE",
    "Adapter",
    "Attachment",
    "ExchangeError",
    "Organ",
    "Package",
    "StatusMessage",
    "adapter_get",
    "adapter_register",
    "document_id_format",
]

# QCVN 102:2016 organisation identifier: four dot-separated levels, 13 characters
# (`000.00.00.H41`, `000.00.NN.H56`).
ORGAN_ID_RE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")

# Business document types (TraceHeaderList/Bussiness/BussinessDocType).
BUSINESS_NEW, BUSINESS_RECALL, BUSINESS_UPDATE, BUSINESS_REPLACE = 0, 1, 2, 3


class ExchangeError(DomainError):
    """A package or status message that cannot be accepted, with the reason."""

    code = "exchange_invalid"


@dataclass
class Organ:
    """An organisation as the hub names it (MessageHeader/From, To; Status/From)."""

    organ_id: str
    name: str = ""
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class Attachment:
    """One file carried in a package (the main document first)."""

    name: str
    data: bytes
    content_type: str = "application/pdf"
    description: str = ""
    content_id: str = ""


@dataclass
class Package:
    """A document package, independent of the hub format (field names follow Appendix VI)."""

    sender: Organ
    recipients: list[Organ]
    document_id: str
    code_number: str
    code_notation: str
    promulgation_date: dt.date
    subject: str
    attachments: list[Attachment]
    place: str = ""
    type: int = 2  # 1 normative, 2 administrative
    type_detail: str = ""
    type_name: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = 0
    sphere: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)
    steering_type: int | None = None
    business_type: int = BUSINESS_NEW
    business_reason: str = ""
    trace: list[tuple[str, dt.datetime]] = field(default_factory=list)

    @property
    def code(self) -> str:
        """`15/QĐ-BTG` (state style) or `123-CV/BTGTU` (Party style)."""
        sep = "-" if "/" in self.code_notation else "/"
        return f"{self.code_number}{sep}{self.code_notation}"


@dataclass
class StatusMessage:
    """A status message about a document package (StatusCode 01…16)."""

    sender: Organ  # who reports the status
    document_id: str  # ResponseFor/DocumentId
    status_code: str
    response_organ_id: str = ""  # ResponseFor/OrganId: the document's issuer
    response_code: str = ""
    response_date: dt.date | None = None
    description: str = ""
    timestamp: dt.datetime | None = None
    staff_department: str = ""
    staff_name: str = ""
    staff_mobile: str = ""
    staff_email: str = ""


def document_id_format(organ_id: str, day: dt.date, code: str) -> str:
    """QCVN 102 DocumentId: `OrganId,yyyy/MM/dd,number/notation`."""
    return f"{organ_id},{day:%Y/%m/%d},{code}"


class Adapter(Protocol):
    """A hub format: turns packages and status messages into bytes and back."""

    name: str
    label: str
    file_suffix: str

    def kind_of(self, data: bytes) -> str:
        """ "package" or "status"; ExchangeError when the bytes are neither."""
        ...

    def package_build(self, package: Package) -> bytes:
        """The bytes of a document package."""
        ...

    def package_parse(self, data: bytes) -> Package:
        """A package from untrusted bytes; ExchangeError on anything doubtful."""
        ...

    def status_build(self, message: StatusMessage) -> bytes:
        """The bytes of a status message."""
        ...

    def status_parse(self, data: bytes) -> StatusMessage:
        """A status message from untrusted bytes; ExchangeError on anything doubtful."""
        ...


# name -> dotted path of the module whose `ADAPTER` is the adapter (loaded on first use).
ADAPTER_MODULES: dict[str, str] = {"edxml": "vcnet.documents.exchange.edxml"}
_loaded: dict[str, Adapter] = {}


def adapter_register(name: str, module: str) -> None:
    """Make a hub format available by name (`module.ADAPTER` is loaded on first use)."""
    ADAPTER_MODULES[name] = module
    _loaded.pop(name, None)


def adapter_get(name: str) -> Adapter:
    """The adapter registered as `name`; ExchangeError for an unknown format."""
    if name not in _loaded:
        module = ADAPTER_MODULES.get(name)
        if module is None:
            raise ExchangeError(_("Unknown exchange format: %(name)s.") % {"name": name})
        adapter: Adapter = importlib.import_module(module).ADAPTER
        _loaded[name] = adapter
    return _loaded[name]
