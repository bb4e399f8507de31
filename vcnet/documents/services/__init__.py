"""Every change to documents: permission check, one transaction, audit entry, timeline event.

Split by flow (STYLE rule 4): `common` (events, work items, files, indexing), `incoming`
(receive → register → direct → handle → complete), `outgoing` (draft → approvals → sign →
number → issue → deliver → recall), `casefiles`, `admin` (types, registers, delegations).
Import from the submodule that owns a function.
"""
