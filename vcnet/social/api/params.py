"""Request parameters as Mastodon's clients send them: query string, form, multipart or JSON.

Mastodon.py and the mobile apps send arrays as `media_ids[]=1&media_ids[]=2` and nested
objects as `poll[options][]=a&poll[expires_in]=300`; JSON bodies carry the same names as
plain arrays and objects. `body_params()` folds all of them into one dict.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from vcnet.core.errors import DomainError

M = TypeVar("M", bound=BaseModel)
_KEY = re.compile(r"\[([^\]]*)\]")


class Unprocessable(DomainError):
    """Mastodon answers invalid input with 422."""

    status = 422
    code = "validation_failed"


def _set(target: dict[str, Any], key: str, values: list[Any]) -> None:
    head, _sep, rest = key.partition("[")
    parts = [head, *_KEY.findall("[" + rest)] if rest else [head]
    node = target
    for part in parts[:-1]:
        if part == "":
            break
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return
    last = parts[-1]
    if last == "" and len(parts) > 1:
        # `a[]` or `a[b][]`: a list under the previous name.
        parent = target
        for part in parts[:-2]:
            parent = parent.setdefault(part, {})
        parent[parts[-2]] = list(values)
    else:
        node[last] = values[-1] if values else None


def _fold(data: MultiValueDict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key in data:
        _set(result, key, data.getlist(key))
    return result


def _files(data: MultiValueDict[str, Any]) -> dict[str, UploadedFile]:
    return {key: data.getlist(key)[-1] for key in data}


def query_params(request: HttpRequest) -> dict[str, Any]:
    """The query string, with `a[]` arrays folded."""
    return _fold(request.GET)


def body_params(request: HttpRequest) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """The request body (JSON, form or multipart) as a dict, and the uploaded files."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise Unprocessable(_("The request body is not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise Unprocessable(_("The request body must be a JSON object."))
        return data, {}
    if request.method == "POST":
        return _fold(request.POST), _files(request.FILES)
    if content_type.startswith("multipart/form-data"):
        try:
            post, files = MultiPartParser(
                request.META,
                request,  # type: ignore[arg-type]  # Django reads the request as a stream
                request.upload_handlers,
                request.encoding,
            ).parse()
        except MultiPartParserError as exc:
            raise Unprocessable(_("The request body could not be read.")) from exc
        return _fold(post), _files(files)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _fold(QueryDict(request.body, encoding=request.encoding)), {}
    return {}, {}


def all_params(request: HttpRequest) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Query string and body together (the body wins), as Rails-based Mastodon reads them."""
    body, files = body_params(request)
    return {**query_params(request), **body}, files


def validate(schema: type[M], data: dict[str, Any]) -> M:
    """`data` checked against `schema`; a 422 naming the first bad field otherwise."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        raise Unprocessable(
            _("Validation failed: %(field)s: %(message)s")
            % {"field": field, "message": first.get("msg", "")}
        ) from exc


def as_bool(value: Any) -> bool:
    """Rails' idea of a boolean parameter ("true", "1", "on", true)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "on", "yes", "t"}


def as_int(value: Any, *, default: int | None = None) -> int | None:
    """An id or number parameter; `default` when absent or not a number."""
    if value is None or value == "":
        return default
    try:
        return int(str(value))
    except ValueError:
        return default


def id_list(value: Any) -> list[int]:
    """`id[]=1&id[]=2` or `id=1`: the ids that are numbers."""
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [n for n in (as_int(v) for v in values) if n is not None]
