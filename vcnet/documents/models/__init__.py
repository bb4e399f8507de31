"""E-office data under Decree 30/2020/NĐ-CP: registers, documents, routing, approvals, case files.

Field names follow Decree 30 Appendix VI (the edXML exchange format uses the same), so mapping a
document to an exchange package is one-to-one. One `Document` row is one unit's copy: an outgoing
document lives in the issuing unit's register; each internal recipient gets its own incoming row
(`origin` points back), with its own arrival number, routing and timeline.
"""

from vcnet.documents.models.config import *  # noqa: F403
from vcnet.documents.models.document import *  # noqa: F403
from vcnet.documents.models.records import *  # noqa: F403
from vcnet.documents.models.work import *  # noqa: F403
