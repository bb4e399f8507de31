"""JSON API of people and units: the current user, the unit directory and tree, colleagues.

Thin handlers over `vcnet.accounts.selectors`, which hold every visibility rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vcnet.accounts import selectors
from vcnet.accounts.models import Membership, Unit, User
from vcnet.accounts.selectors import UnitNode
from vcnet.core.api_auth import current_user
from vcnet.core.pagination import CursorPage, CursorParams, paginate

router = Router(tags=["accounts"])


# --- Schemas ------------------------------------------------------------------------------
class UnitLevelOut(Schema):
    """A level of the organisation."""

    code: str
    name: str
    rank: int


class UnitRef(Schema):
    """A unit named inside another object."""

    id: int
    code: str
    short_name: str
    name: str


class UnitOut(Schema):
    """A unit of the directory."""

    id: int
    parent_id: int | None
    code: str
    short_name: str
    name: str
    level: UnitLevelOut
    depth: int = Field(description="0 for a root unit, 1 for its children, ...")
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitPage(CursorPage[UnitOut]):
    """A page of units."""


class UnitTreeOut(Schema):
    """A unit valid today with the units under it."""

    id: int
    code: str
    short_name: str
    name: str
    level: UnitLevelOut
    children: list[UnitTreeOut]

    @staticmethod
    def of(node: UnitNode) -> dict[str, Any]:
        unit = node.unit
        return {
            "id": unit.pk,
            "code": unit.code,
            "short_name": unit.short_name,
            "name": unit.name,
            "level": unit.level,
            "children": [UnitTreeOut.of(child) for child in node.children],
        }


class MembershipOut(Schema):
    """A role someone holds in a unit."""

    unit: UnitRef
    role: str = Field(description="official, clerk, leader or unit_admin.")
    role_label: str = Field(description="The role's name in the request's language.")
    title: str

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return str(obj.get_role_display())


class UserOut(Schema):
    """Another person, as a colleague sees them."""

    id: int
    full_name: str
    avatar: str | None = Field(description="URL of the avatar image, or null.")

    @staticmethod
    def resolve_avatar(obj: User) -> str | None:
        return obj.avatar.url if obj.avatar else None


class MeOut(UserOut):
    """The signed-in person, with their contact details and roles."""

    email: str | None
    phone: str | None
    is_staff: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(selectors.memberships_of(obj))


class MemberOut(Schema):
    """Someone holding a role in a unit."""

    user: UserOut
    role: str
    role_label: str
    title: str

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return str(obj.get_role_display())


class MemberPage(CursorPage[MemberOut]):
    """A page of a unit's members."""


class UnitFilters(Schema):
    """Filters of the unit list."""

    parent: int | None = Field(None, description="Only the direct children of this unit.")
    q: str = Field(
        "",
        max_length=100,
        description="Text found in the code, short name or name, ignoring diacritics.",
    )


# --- Handlers ----------------------------------------------------------------------------
@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> User:
    return current_user(request)


@router.get("/units", response=UnitPage, summary="Units, in tree order")
def units(
    request: HttpRequest, filters: Query[UnitFilters], page: Query[CursorParams]
) -> dict[str, Any]:
    return paginate(
        selectors.unit_list(parent_id=filters.parent, q=filters.q), params=page, key="path"
    )


@router.get("/units/tree", response=list[UnitTreeOut], summary="The units valid today, nested")
def unit_tree(request: HttpRequest) -> list[dict[str, Any]]:
    return [UnitTreeOut.of(node) for node in selectors.unit_tree()]


@router.get("/units/{int:unit_id}", response=UnitOut, summary="One unit")
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    return selectors.unit_get(unit_id=unit_id)


@router.get("/units/{int:unit_id}/members", response=MemberPage, summary="Members of a unit")
def unit_members(request: HttpRequest, unit_id: int, page: Query[CursorParams]) -> dict[str, Any]:
    unit = selectors.unit_get(unit_id=unit_id)
    members = selectors.unit_members(viewer=current_user(request), unit=unit)
    return paginate(members, params=page, key="user__full_name")


@router.get("/users/{int:user_id}", response=UserOut, summary="A colleague")
def user_detail(request: HttpRequest, user_id: int) -> User:
    return selectors.user_for_viewer(viewer=current_user(request), user_id=user_id)


@router.get(
    "/users/{int:user_id}/memberships",
    response=list[MembershipOut],
    summary="A colleague's roles",
)
def user_memberships(request: HttpRequest, user_id: int) -> list[Membership]:
    user = selectors.user_for_viewer(viewer=current_user(request), user_id=user_id)
    return list(selectors.memberships_of(user))
