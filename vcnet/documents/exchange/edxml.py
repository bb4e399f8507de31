"""QCVN 102:2016/BTTTT (edXML): document packages and status messages.

Written with the standard library's ElementTree; parsed with `defusedxml`, which refuses DTDs,
entity expansion (billion laughs) and external references, because packages come from outside.
Element names are matched without their namespace, so the common dialects of the standard (with
or without the `edXML:` prefix) are read alike. Field limits and formats follow the standard:
dates `dd/MM/yyyy`, DocumentId `OrganId,yyyy/MM/dd,number/notation`, Priority 0..4, and the
`Bussiness` spelling of the trace's business block.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
import xml.etree.ElementTree as ET  # writing only; parsing goes through defusedxml
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.documents.exchange import (
    ORGAN_ID_RE,
    Attachment,
    ExchangeError,
    Organ,
    Package,
    StatusMessage,
)

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
DATE_FORMAT = "%d/%m/%Y"
TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M:%S"
STATUS_CODES = frozenset({"01", "02", "03", "04", "05", "06", "13", "15", "16"})

# Field limits of the standard (characters).
LIMITS = {
    "CodeNumber": 11,
    "CodeNotation": 30,
    "Place": 50,
    "TypeName": 100,
    "Subject": 500,
    "Content": 500,
    "FullName": 50,
    "Position": 100,
    "OrganName": 200,
    "AttachmentName": 200,
    "Description": 500,
}

ET.register_namespace(PREFIX, NS)

_ORGAN_FIELDS = (
    ("OrganId", "organ_id"),
    ("OrganizationInCharge", "in_charge"),
    ("OrganName", "name"),
    ("OrganAdd", "address"),
    ("Email", "email"),
    ("Telephone", "telephone"),
    ("Fax", "fax"),
    ("Website", "website"),
)


def max_attachment_bytes() -> int:
    """The largest file a package may carry (the same limit as an upload)."""
    return int(getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def max_package_bytes() -> int:
    """The largest package accepted at all, checked before parsing."""
    default = 4 * max_attachment_bytes() + 1024 * 1024
    return int(getattr(settings, "EXCHANGE_MAX_PACKAGE_BYTES", default))


# --- Writing ---------------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
    element = ET.SubElement(parent, _q(tag))
    if text is not None and text != "":
        element.text = str(text)
    return element


def _organ(parent: ET.Element, tag: str, organ: Organ) -> None:
    element = _sub(parent, tag)
    for name, attr in _ORGAN_FIELDS:
        _sub(element, name, getattr(organ, attr))


def _date(day: dt.date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def _timestamp(moment: dt.datetime | None) -> str:
    moment = moment or timezone.now()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(TIMESTAMP_FORMAT)


def _bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package_build(package: Package) -> bytes:
    """The edXML bytes of a document package (attachments base64, named in the manifest)."""
    root = ET.Element(_q("edXML"))
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    _organ(message, "From", package.sender)
    for recipient in package.recipients:
        _organ(message, "To", recipient)
    _sub(message, "DocumentId", package.document_id)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", package.code_number)
    _sub(code, "CodeNotation", package.code_notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", package.place)
    _sub(promulgation, "PromulgationDate", _date(package.promulgation_date))
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", package.type)
    _sub(doc_type, "TypeDetail", package.type_detail)
    _sub(doc_type, "TypeName", package.type_name)
    _sub(message, "Subject", package.subject)
    _sub(message, "Content", package.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", package.signer_competence)
    _sub(signer, "Position", package.signer_position)
    _sub(signer, "FullName", package.signer_name)
    _sub(message, "DueDate", _date(package.due_date))
    places = _sub(message, "ToPlaces")
    for place in package.to_places:
        _sub(places, "Place", place[:150])
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", package.priority)
    _sub(other, "SphereOfPromulgation", package.sphere)
    _sub(other, "TyperNotation", package.typer_notation)
    _sub(other, "PromulgationAmount", package.promulgation_amount)
    _sub(other, "PageAmount", package.page_amount)
    appendixes = _sub(other, "Appendixes")
    for appendix in package.appendixes:
        _sub(appendixes, "Appendix", appendix[:250])
    if package.steering_type is not None:
        _sub(message, "SteeringType", package.steering_type)
    traces = _sub(header, "TraceHeaderList")
    trace = package.trace or [(package.sender.organ_id, timezone.now())]
    for organ_id, moment in trace:
        item = _sub(traces, "TraceHeader")
        _sub(item, "OrganId", organ_id)
        _sub(item, "Timestamp", _timestamp(moment))
    business = _sub(traces, "Bussiness")  # sic: the standard spells it so
    _sub(business, "BussinessDocType", package.business_type)
    _sub(business, "BussinessDocReason", package.business_reason)
    _sub(business, "DocumentId", package.document_id)
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    encoded = _sub(root, "AttachmentEncoded")
    for attachment in package.attachments:
        content_id = attachment.content_id or f"cid:{uuid.uuid4()}"
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name[-200:])
        item = _sub(encoded, "Attachment")
        _sub(item, "ContentId", content_id)
        _sub(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    return _bytes(root)


def status_build(message: StatusMessage) -> bytes:
    """The edXML bytes of a status message."""
    root = ET.Element(_q("edXML"))
    header = _sub(_sub(root, "edXMLEnvelope"), "edXMLHeader")
    status = _sub(header, "Status")
    response = _sub(status, "ResponseFor")
    _sub(response, "OrganId", message.response_organ_id)
    _sub(response, "Code", message.response_code)
    _sub(response, "PromulgationDate", _date(message.response_date))
    _sub(response, "DocumentId", message.document_id)
    _organ(status, "From", message.sender)
    _sub(status, "StatusCode", message.status_code)
    _sub(status, "Description", message.description[:500])
    _sub(status, "Timestamp", _timestamp(message.timestamp))
    staff = _sub(status, "StaffInfo")
    _sub(staff, "Department", message.staff_department)
    _sub(staff, "Staff", message.staff_name)
    _sub(staff, "Mobile", message.staff_mobile)
    _sub(staff, "Email", message.staff_email)
    return _bytes(root)


# --- Reading ---------------------------------------------------------------------------------


def _root(data: bytes) -> ET.Element:
    """Parse untrusted bytes safely; namespaces are dropped so dialects read alike."""
    if len(data) > max_package_bytes():
        raise ExchangeError(
            _("The package is larger than %(mb)d MB.")
            % {"mb": max_package_bytes() // (1024 * 1024)}
        )
    try:
        root: ET.Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise ExchangeError(
            _("The package was refused: it declares a DTD, entities or external references.")
        ) from exc
    except (ET.ParseError, ValueError) as exc:
        raise ExchangeError(_("The package is not well-formed XML.")) from exc
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rsplit("}", 1)[1]
    if root.tag not in ("edXML", "edXMLEnvelope", "EdXMLEnvelope"):
        raise ExchangeError(_("This is not an edXML package."))
    return root


def _text(parent: ET.Element | None, path: str, *, required: str = "", limit: str = "") -> str:
    element = parent.find(path) if parent is not None else None
    value = (element.text or "").strip() if element is not None else ""
    if required and not value:
        raise ExchangeError(
            _("The package lacks a required field: %(field)s.") % {"field": required}
        )
    if limit and len(value) > LIMITS[limit]:
        raise ExchangeError(
            _("The field %(field)s is longer than %(limit)d characters.")
            % {"field": limit, "limit": LIMITS[limit]}
        )
    return value


def _parse_date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).date()  # noqa: DTZ007 (a date, no time)
    except ValueError as exc:
        raise ExchangeError(
            _("The field %(field)s is not a date in the form dd/MM/yyyy: %(value)s.")
            % {"field": field, "value": value[:40]}
        ) from exc


def _parse_timestamp(value: str) -> dt.datetime | None:
    for fmt in (TIMESTAMP_FORMAT, "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = dt.datetime.strptime(value, fmt)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    return None


def _parse_int(value: str, field: str, *, low: int, high: int) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise ExchangeError(
            _("The field %(field)s must be a number from %(low)d to %(high)d.")
            % {"field": field, "low": low, "high": high}
        )
    return number


def _parse_organ(element: ET.Element | None, field: str) -> Organ:
    organ_id = _text(element, "OrganId", required=f"{field}/OrganId")
    if not ORGAN_ID_RE.match(organ_id):
        raise ExchangeError(
            _("%(value)s is not an organisation identifier (like 000.00.00.H41).")
            % {"value": organ_id[:40]}
        )
    values = {attr: _text(element, name) for name, attr in _ORGAN_FIELDS}
    values["name"] = _text(element, "OrganName", limit="OrganName")
    return Organ(**values)


def _decode(encoded: str, name: str) -> bytes:
    compact = "".join(encoded.split())
    limit = max_attachment_bytes()
    if len(compact) * 3 // 4 > limit:
        raise ExchangeError(
            _("The attachment %(name)s is larger than %(mb)d MB.")
            % {"name": name, "mb": limit // (1024 * 1024) or 1}
        )
    try:
        data = base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ExchangeError(
            _("The attachment %(name)s is not valid base64.") % {"name": name}
        ) from exc
    if not data:
        raise ExchangeError(_("The attachment %(name)s is empty.") % {"name": name})
    return data


def _parse_attachments(root: ET.Element) -> list[Attachment]:
    references = root.findall("edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
    encoded = {
        _text(item, "ContentId"): item for item in root.findall("AttachmentEncoded/Attachment")
    }
    if not references:
        raise ExchangeError(_("The package carries no document file."))
    attachments = []
    for reference in references:
        content_id = _text(reference, "ContentId", required="Reference/ContentId")
        name = _text(reference, "AttachmentName", limit="AttachmentName") or content_id
        item = encoded.get(content_id)
        if item is None:
            raise ExchangeError(
                _("The file %(name)s is named in the manifest but not attached.") % {"name": name}
            )
        data = _decode(_text(item, "ContentTransferEncoded", required=name), name)
        attachments.append(
            Attachment(
                name=name,
                data=data,
                content_type=_text(reference, "ContentType") or "application/octet-stream",
                description=_text(reference, "Description"),
                content_id=content_id,
            )
        )
    return attachments


def kind_of(data: bytes) -> str:
    """ "package" or "status"."""
    root = _root(data)
    if root.find("edXMLEnvelope/edXMLHeader/Status") is not None:
        return "status"
    if root.find("edXMLEnvelope/edXMLHeader/MessageHeader") is not None:
        return "package"
    raise ExchangeError(_("This edXML file is neither a document package nor a status message."))


def package_parse(data: bytes) -> Package:
    """A document package from untrusted bytes; ExchangeError names the first problem found."""
    root = _root(data)
    header = root.find("edXMLEnvelope/edXMLHeader/MessageHeader")
    if header is None:
        raise ExchangeError(_("The package has no message header."))
    sender = _parse_organ(header.find("From"), "From")
    recipients = [_parse_organ(item, "To") for item in header.findall("To")]
    if not recipients:
        raise ExchangeError(_("The package lacks a required field: %(field)s.") % {"field": "To"})
    ids = [r.organ_id for r in recipients]
    if len(set(ids)) != len(ids):
        raise ExchangeError(_("The package names the same recipient twice."))
    promulgation_date = _parse_date(
        _text(header, "PromulgationInfo/PromulgationDate", required="PromulgationDate"),
        "PromulgationDate",
    )
    assert promulgation_date is not None  # noqa: S101 (required above)
    if promulgation_date > timezone.localdate():
        raise ExchangeError(_("The promulgation date of the package is in the future."))
    other = header.find("OtherInfo")
    business = root.find("edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness")
    trace = []
    for item in root.findall("edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader"):
        moment = _parse_timestamp(_text(item, "Timestamp"))
        if moment is not None:
            trace.append((_text(item, "OrganId"), moment))
    doc_type = _parse_int(_text(header, "DocumentType/Type"), "DocumentType/Type", low=1, high=2)
    steering = _parse_int(_text(header, "SteeringType"), "SteeringType", low=1, high=3)
    return Package(
        sender=sender,
        recipients=recipients,
        document_id=_text(header, "DocumentId", required="DocumentId")[:100],
        code_number=_text(header, "Code/CodeNumber", required="CodeNumber", limit="CodeNumber"),
        code_notation=_text(
            header, "Code/CodeNotation", required="CodeNotation", limit="CodeNotation"
        ),
        promulgation_date=promulgation_date,
        place=_text(header, "PromulgationInfo/Place", limit="Place"),
        type=doc_type or 2,
        type_detail=_text(header, "DocumentType/TypeDetail"),
        type_name=_text(header, "DocumentType/TypeName", limit="TypeName"),
        subject=_text(header, "Subject", required="Subject", limit="Subject"),
        content=_text(header, "Content", limit="Content"),
        signer_competence=_text(header, "SignerInfo/Competence")[:10],
        signer_position=_text(header, "SignerInfo/Position", limit="Position"),
        signer_name=_text(header, "SignerInfo/FullName", limit="FullName"),
        due_date=_parse_date(_text(header, "DueDate"), "DueDate"),
        to_places=[(p.text or "").strip()[:150] for p in header.findall("ToPlaces/Place")],
        priority=_parse_int(_text(other, "Priority"), "Priority", low=0, high=4) or 0,
        sphere=_text(other, "SphereOfPromulgation")[:100],
        typer_notation=_text(other, "TyperNotation")[:10],
        promulgation_amount=_parse_int(
            _text(other, "PromulgationAmount"), "PromulgationAmount", low=0, high=32767
        ),
        page_amount=_parse_int(_text(other, "PageAmount"), "PageAmount", low=0, high=32767),
        appendixes=[
            (a.text or "").strip()[:250]
            for a in (other.findall("Appendixes/Appendix") if other is not None else [])
        ],
        steering_type=steering,
        business_type=_parse_int(
            _text(business, "BussinessDocType"), "BussinessDocType", low=0, high=3
        )
        or 0,
        business_reason=_text(business, "BussinessDocReason")[:500],
        trace=trace,
        attachments=_parse_attachments(root),
    )


def status_parse(data: bytes) -> StatusMessage:
    """A status message from untrusted bytes."""
    root = _root(data)
    status = root.find("edXMLEnvelope/edXMLHeader/Status")
    if status is None:
        raise ExchangeError(_("This is not a status message."))
    code = _text(status, "StatusCode", required="StatusCode")
    if code not in STATUS_CODES:
        raise ExchangeError(_("Unknown status code: %(code)s.") % {"code": code[:10]})
    response = status.find("ResponseFor")
    return StatusMessage(
        sender=_parse_organ(status.find("From"), "From"),
        document_id=_text(response, "DocumentId", required="ResponseFor/DocumentId")[:100],
        status_code=code,
        response_organ_id=_text(response, "OrganId")[:13],
        response_code=_text(response, "Code")[:50],
        response_date=_parse_date(_text(response, "PromulgationDate"), "PromulgationDate"),
        description=_text(status, "Description")[:500],
        timestamp=_parse_timestamp(_text(status, "Timestamp")),
        staff_department=_text(status, "StaffInfo/Department")[:200],
        staff_name=_text(status, "StaffInfo/Staff")[:150],
        staff_mobile=_text(status, "StaffInfo/Mobile")[:30],
        staff_email=_text(status, "StaffInfo/Email")[:200],
    )


class EdxmlAdapter:
    """QCVN 102:2016 edXML, the national standard; the reference adapter."""

    name = "edxml"
    label = "QCVN 102:2016 (edXML)"
    file_suffix = ".edxml"

    def kind_of(self, data: bytes) -> str:
        return kind_of(data)

    def package_build(self, package: Package) -> bytes:
        return package_build(package)

    def package_parse(self, data: bytes) -> Package:
        return package_parse(data)

    def status_build(self, message: StatusMessage) -> bytes:
        return status_build(message)

    def status_parse(self, data: bytes) -> StatusMessage:
        return status_parse(data)


ADAPTER = EdxmlAdapter()
