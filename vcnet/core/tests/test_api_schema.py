"""The OpenAPI document is valid and checked in; Mastodon's API names stay free for social."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from ninja import NinjaAPI, Router
from openapi_spec_validator import validate

from vcnet.api import MASTODON_RESERVED, SOCIAL_ROUTER_MODULE, api
from vcnet.core.management.commands.openapi import openapi_text
from vcnet.core.problem import problem_response, renderer_for


def test_openapi_document_is_valid() -> None:
    validate(json.loads(openapi_text()))


def test_checked_in_openapi_document_is_current() -> None:
    checked_in = (Path(settings.BASE_DIR) / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert checked_in == openapi_text(), (
        "docs/openapi.json is out of date: run `vcnet openapi` and commit the result."
    )


def test_openapi_command_check(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    call_command("openapi", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert list(json.loads(text)) == sorted(json.loads(text))

    call_command("openapi", "--check", "--output", str(target))  # up to date: no exit

    target.write_text(text.replace('"VCNET API"', '"Old title"'), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("openapi", "--check", "--output", str(target))
    assert exit_info.value.code == 1


@pytest.mark.django_db
def test_openapi_json_is_served() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/units" in response.json()["paths"]


@pytest.mark.django_db
def test_docs_page_needs_no_cdn() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"swagger-ui-bundle.js" in response.content


# --- Reserved Mastodon names ------------------------------------------------------------------
def _first_segment(*parts: str) -> str:
    path = "/".join(part.strip("/") for part in parts if part.strip("/"))
    return path.split("/", 1)[0]


def reserved_name_violations(target: NinjaAPI) -> list[str]:
    """Operations outside the social app whose first path segment is one of Mastodon's names."""
    target.urls  # noqa: B018 - builds the bound routers, nested ones included
    found = []
    for prefix, router in target._routers:
        for route, path_view in router.path_operations.items():
            segment = _first_segment(prefix, route)
            for operation in path_view.operations:
                module = operation.view_func.__module__
                if segment in MASTODON_RESERVED and not module.startswith(SOCIAL_ROUTER_MODULE):
                    found.append(f"{module}: /{segment}")
    return found


def test_no_other_router_takes_a_mastodon_name() -> None:
    assert reserved_name_violations(api) == [], (
        "These paths are kept for the Mastodon-compatible social API (see vcnet/api.py)."
    )


def test_the_reserved_name_check_catches_a_trespasser() -> None:
    intruder = Router()

    @intruder.get("/statuses")
    def statuses(request: object) -> list[str]:
        return []

    nested = Router()

    @nested.get("/{int:id}")
    def one(request: object, id: int) -> dict[str, int]:
        return {}

    intruder.add_router("/timelines", nested)
    other = NinjaAPI(urls_namespace="reserved-check")
    other.add_router("/", intruder)

    assert sorted(reserved_name_violations(other)) == [
        f"{__name__}: /statuses",
        f"{__name__}: /timelines",
    ]


@pytest.mark.parametrize("path", ["/api/v2/search", "/api/v2/media"])
def test_api_v2_is_free_or_social(path: str) -> None:
    try:
        match = resolve(path)
    except Resolver404:
        return
    assert match.func.__module__.startswith("vcnet.social"), f"{path} is kept for social."


def test_every_operation_documents_its_problem_responses() -> None:
    schema = json.loads(openapi_text())
    assert "Problem" in schema["components"]["schemas"]
    for route, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            default = operation["responses"]["default"]
            if renderer_for(route) is problem_response:
                assert "application/problem+json" in default["content"], f"{method} {route}"
            else:  # the Mastodon-compatible endpoints answer {"error": ...}
                ref = default["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/MastodonError"), f"{method} {route}"
