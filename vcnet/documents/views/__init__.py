"""Pages of the e-office (server-rendered, htmx-enhanced; every flow works without JavaScript).

Split by page: `lists` (inbox, list and search, saved searches), `detail` (a document, its
files, receiving and drafting), `actions` (the POST steps of a document), `casefiles`.
"""

from vcnet.documents.views.actions import document_action
from vcnet.documents.views.casefiles import casefile_detail, casefile_list
from vcnet.documents.views.detail import detail, draft_new, file_download, receive
from vcnet.documents.views.lists import inbox, saved_search_create, saved_search_delete, search

__all__ = [
    "casefile_detail",
    "casefile_list",
    "detail",
    "document_action",
    "draft_new",
    "file_download",
    "inbox",
    "receive",
    "saved_search_create",
    "saved_search_delete",
    "search",
]
