"""Demo data: a 2026 Vietnamese organisation after the 2025 reorganisation, loaded by `vcnet seed --demo`.

The data are plain tuples so that later features extend them (documents, posts, ...). Every
account shares one documented password, `DEMO_PASSWORD`; the e-mail domain is fictitious, and
so are the people (any likeness to real officials is unintended).

The 2025 reorganisation: on 1 March 2025 the central Propaganda and Mass Mobilisation boards
merged into the "Ban Tuyên giáo và Dân vận Trung ương"; the former boards stay in the tree with
their `valid_to`, as does a provincial board whose province merged into another on 1 July 2025.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vcnet.accounts.identifiers import normalize_email, normalize_phone
from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User
from vcnet.accounts.services import membership_add, unit_create
from vcnet.core.audit import audit_write
from vcnet.core.errors import Conflict
from vcnet.core.models import AuditEntry

DEMO_PASSWORD = "VcnetDemo@2026"  # noqa: S105 (public, documented demo password)
DEMO_DOMAIN = "demo.vcnet.vn"
LOADED_ACTION = "demo.load"

MERGED_ON = dt.date(2025, 3, 1)
MERGED_BEFORE = dt.date(2025, 2, 28)
PROVINCES_MERGED_ON = dt.date(2025, 7, 1)
PROVINCES_MERGED_BEFORE = dt.date(2025, 6, 30)


class Level(NamedTuple):
    code: str
    name: str
    rank: int


class DemoUnit(NamedTuple):
    code: str
    short_name: str
    name: str
    level: str
    parent: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class Seat(NamedTuple):
    """One membership: the unit's code, the role, the position title."""

    unit: str
    role: Role
    title: str


class Person(NamedTuple):
    full_name: str
    email: str | None  # local part on DEMO_DOMAIN, or None for a phone-only account
    phone: str | None
    seats: tuple[Seat, ...] = ()


LEVELS: tuple[Level, ...] = (
    Level("trung-uong", "Trung ương", 0),
    Level("tinh", "Tỉnh/Thành phố", 1),
    Level("xa", "Xã/Phường", 2),
)

CENTRAL = "btgdvtw"

# fmt: off
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit(CENTRAL, "BTGDVTW", "Ban Tuyên giáo và Dân vận Trung ương", "trung-uong", None, MERGED_ON),
    DemoUnit("btgtw", "BTGTW", "Ban Tuyên giáo Trung ương", "trung-uong", None, None, MERGED_BEFORE),
    DemoUnit("bdvtw", "BDVTW", "Ban Dân vận Trung ương", "trung-uong", None, None, MERGED_BEFORE),
    # Provincial and city committees' boards.
    DemoUnit("btgdv-ha-noi", "BTGDV-HN", "Ban Tuyên giáo và Dân vận Thành ủy Hà Nội", "tinh", CENTRAL, MERGED_ON),
    DemoUnit("btgdv-nghe-an", "BTGDV-NA", "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An", "tinh", CENTRAL, MERGED_ON),
    DemoUnit("btgdv-tp-hcm", "BTGDV-HCM", "Ban Tuyên giáo và Dân vận Thành ủy TP. Hồ Chí Minh", "tinh", CENTRAL, MERGED_ON),
    DemoUnit("btgdv-lam-dong", "BTGDV-LĐ", "Ban Tuyên giáo và Dân vận Tỉnh ủy Lâm Đồng", "tinh", CENTRAL, MERGED_ON),
    DemoUnit("btgdv-da-nang", "BTGDV-ĐN", "Ban Tuyên giáo và Dân vận Thành ủy Đà Nẵng", "tinh", CENTRAL, MERGED_ON),
    # Merged into TP. Hồ Chí Minh with its province on 1 July 2025.
    DemoUnit("btgdv-binh-duong", "BTGDV-BD", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bình Dương", "tinh", CENTRAL, MERGED_ON, PROVINCES_MERGED_BEFORE),
    # Communes and wards of the two-level local government (from 1 July 2025).
    DemoUnit("hn-hoan-kiem", "ĐU-HK", "Đảng ủy phường Hoàn Kiếm", "xa", "btgdv-ha-noi", PROVINCES_MERGED_ON),
    DemoUnit("hn-ba-dinh", "ĐU-BĐ", "Đảng ủy phường Ba Đình", "xa", "btgdv-ha-noi", PROVINCES_MERGED_ON),
    DemoUnit("hn-soc-son", "ĐU-SS", "Đảng ủy xã Sóc Sơn", "xa", "btgdv-ha-noi", PROVINCES_MERGED_ON),
    DemoUnit("na-thanh-vinh", "ĐU-TV", "Đảng ủy phường Thành Vinh", "xa", "btgdv-nghe-an", PROVINCES_MERGED_ON),
    DemoUnit("na-cua-lo", "ĐU-CL", "Đảng ủy phường Cửa Lò", "xa", "btgdv-nghe-an", PROVINCES_MERGED_ON),
    DemoUnit("na-dien-chau", "ĐU-DC", "Đảng ủy xã Diễn Châu", "xa", "btgdv-nghe-an", PROVINCES_MERGED_ON),
    DemoUnit("hcm-sai-gon", "ĐU-SG", "Đảng ủy phường Sài Gòn", "xa", "btgdv-tp-hcm", PROVINCES_MERGED_ON),
    DemoUnit("hcm-ben-thanh", "ĐU-BT", "Đảng ủy phường Bến Thành", "xa", "btgdv-tp-hcm", PROVINCES_MERGED_ON),
    DemoUnit("hcm-thu-dau-mot", "ĐU-TDM", "Đảng ủy phường Thủ Dầu Một", "xa", "btgdv-tp-hcm", PROVINCES_MERGED_ON),
    DemoUnit("ld-xuan-huong", "ĐU-XH", "Đảng ủy phường Xuân Hương - Đà Lạt", "xa", "btgdv-lam-dong", PROVINCES_MERGED_ON),
    DemoUnit("ld-lam-vien", "ĐU-LV", "Đảng ủy phường Lâm Viên - Đà Lạt", "xa", "btgdv-lam-dong", PROVINCES_MERGED_ON),
    DemoUnit("ld-phan-thiet", "ĐU-PT", "Đảng ủy phường Phan Thiết", "xa", "btgdv-lam-dong", PROVINCES_MERGED_ON),
    DemoUnit("dn-hai-chau", "ĐU-HC", "Đảng ủy phường Hải Châu", "xa", "btgdv-da-nang", PROVINCES_MERGED_ON),
    DemoUnit("dn-hoi-an", "ĐU-HA", "Đảng ủy phường Hội An", "xa", "btgdv-da-nang", PROVINCES_MERGED_ON),
    DemoUnit("dn-tam-ky", "ĐU-TK", "Đảng ủy phường Tam Kỳ", "xa", "btgdv-da-nang", PROVINCES_MERGED_ON),
)
# fmt: on

LD, VT, CV, QT = Role.LEADER, Role.CLERK, Role.OFFICIAL, Role.UNIT_ADMIN
TRUONG_BAN, PHO_TRUONG_BAN, CHANH_VP = "Trưởng ban", "Phó Trưởng ban", "Chánh Văn phòng"
VAN_THU, CHUYEN_VIEN = "Văn thư", "Chuyên viên"
PHO_BI_THU = "Phó Bí thư Thường trực Đảng ủy"


def _board(unit: str, *people: tuple[str, str, str | None]) -> tuple[Person, ...]:
    """A provincial board's six usual seats, in order: head, deputy, office chief, clerk, 2 officials."""
    seats = (
        (LD, TRUONG_BAN), (LD, PHO_TRUONG_BAN), (QT, CHANH_VP), (VT, VAN_THU), (CV, CHUYEN_VIEN),
        (CV, CHUYEN_VIEN),
    )  # fmt: skip
    return tuple(
        Person(name, email, phone, (Seat(unit, role, title),))
        for (name, email, phone), (role, title) in zip(people, seats, strict=True)
    )


PEOPLE: tuple[Person, ...] = (
    # The central board.
    Person("Phạm Minh Tuấn", "tuanpm", "0912 100 001", (Seat(CENTRAL, LD, TRUONG_BAN),)),
    Person("Lê Thị Thu Hà", "haltt", "0912 100 002", (Seat(CENTRAL, LD, PHO_TRUONG_BAN),)),
    Person("Hoàng Văn Sơn", "sonhv", None, (Seat(CENTRAL, LD, PHO_TRUONG_BAN),)),
    Person("Đặng Quốc Khánh", "khanhdq", "0912 100 004", (Seat(CENTRAL, QT, CHANH_VP),)),
    Person("Vũ Thị Lan", "lanvt", "0912 100 005", (Seat(CENTRAL, VT, VAN_THU),)),
    Person("Bùi Đức Thắng", "thangbd", None, (Seat(CENTRAL, CV, "Vụ trưởng Vụ Tuyên truyền"),)),
    Person(
        "Trần Ngọc Mai",
        "maitn",
        None,
        (Seat(CENTRAL, CV, "Chuyên viên chính"), Seat(CENTRAL, Role.ANALYST, "Phân tích dư luận")),
    ),
    Person("Ngô Thanh Tùng", "tungnt", None, (Seat(CENTRAL, CV, CHUYEN_VIEN),)),
    *_board(
        "btgdv-ha-noi",
        ("Nguyễn Văn Hùng", "hungnv", "0912 200 001"),
        ("Trần Thị Minh Hằng", "hangttm", None),
        ("Lê Quang Huy", "huylq", None),
        ("Phạm Thị Thanh Xuân", "xuanptt", "0912 200 004"),
        ("Đỗ Mạnh Cường", "cuongdm", None),
        ("Nguyễn Thị Hương Giang", "giangnth", None),
    ),
    *_board(
        "btgdv-nghe-an",
        ("Hồ Sỹ Thành", "thanhhs", "0912 300 001"),
        ("Phan Thị Kim Oanh", "oanhptk", None),
        ("Nguyễn Đình Lộc", "locnd", None),
        ("Thái Thị Ngọc Anh", "anhttn", "0912 300 004"),
        ("Lê Văn Quế", "quelv", None),
        ("Trần Hữu Đạt", "datth", None),
    ),
    *_board(
        "btgdv-tp-hcm",
        ("Võ Thành Phong", "phongvt", "0912 400 001"),
        ("Huỳnh Thị Bích Ngọc", "ngochtb", None),
        ("Lý Minh Triết", "trietlm", None),
        ("Nguyễn Thị Mỹ Linh", "linhntm", "0912 400 004"),
        ("Trương Quốc Bảo", "baotq", None),
        ("Đinh Hoàng Yến", "yendh", None),
    ),
    *_board(
        "btgdv-lam-dong",
        ("Đoàn Văn Thịnh", "thinhdv", "0912 500 001"),
        ("Mai Thị Phương Thảo", "thaomtp", None),
        ("Nguyễn Hữu Tài", "tainh", None),
        ("Lương Thị Hải Yến", "yenlth", "0912 500 004"),
        ("Cao Văn Lâm", "lamcv", None),
        ("Phùng Thị Thu Trang", "trangptt", None),
    ),
    *_board(
        "btgdv-da-nang",
        ("Lê Trung Kiên", "kienlt", "0912 600 001"),
        ("Nguyễn Thị Diệu Hiền", "hienntd", None),
        ("Trần Đức Vinh", "vinhtd", None),
        ("Phạm Thị Hoài Thương", "thuongpth", "0912 600 004"),
        ("Hà Văn Nam", "namhv", None),
        ("Tôn Nữ Quỳnh Như", "nhutnq", None),
    ),
    # Communes and wards.
    Person("Nguyễn Tiến Dũng", "dungnt", None, (Seat("hn-hoan-kiem", LD, PHO_BI_THU),)),
    Person("Vũ Thị Ngân", "nganvt", None, (Seat("hn-ba-dinh", VT, "Văn thư Đảng ủy"),)),
    Person("Hoàng Văn Tâm", "tamhv", None, (Seat("na-thanh-vinh", LD, PHO_BI_THU),)),
    Person("Nguyễn Thị Sen", "sennt", None, (Seat("na-cua-lo", VT, "Văn thư Đảng ủy"),)),
    Person("Lâm Quốc Toàn", "toanlq", None, (Seat("hcm-sai-gon", LD, PHO_BI_THU),)),
    Person(
        "Châu Thị Kim Chi", "chictk", None,
        (Seat("hcm-ben-thanh", CV, "Chuyên viên Văn phòng Đảng ủy"),),
    ),
    Person("Trần Văn Bình", "binhtv", None, (Seat("ld-xuan-huong", LD, PHO_BI_THU),)),
    Person("Dương Thị Hạnh", "hanhdt", None, (Seat("ld-phan-thiet", VT, "Văn thư Đảng ủy"),)),
    Person("Phan Văn Lợi", "loipv", None, (Seat("dn-hai-chau", LD, PHO_BI_THU),)),
    Person(
        "Nguyễn Thị Thu Ba", "bantt", None,
        (Seat("dn-hoi-an", CV, "Chuyên viên Văn phòng Đảng ủy"),),
    ),
    # One person with seats in two units: a provincial official who also follows a commune.
    Person(
        "Lưu Bá Hoàng", "hoanglb", None,
        (
            Seat("btgdv-ha-noi", CV, "Chuyên viên chính"),
            Seat("hn-soc-son", CV, "Phụ trách địa bàn"),
        ),
    ),
    # Citizens: no unit.
    Person("Đỗ Thị Hồng Nhung", None, "0912 000 401"),
    Person("Bạch Văn Khoa", "khoabv", "0983 000 402"),
    Person("Lò Thị Mai", "mailt", None),
    Person("Quách Gia Huy", "huyqg", None),
)  # fmt: skip

ADMIN = Person("Trịnh Minh Quân", "quantri", "0912 999 999")

# The demo leader enrolled in TOTP, so that the single sign-on scenario can be tried at once.
TOTP_LEADER = "tuanpm"

# The accounts `vcnet seed --demo` prints: one of each kind of person.
SHOWCASE: tuple[tuple[str, str | Promise], ...] = (
    ("quantri", gettext_lazy("Administrator")),
    ("tuanpm", gettext_lazy("Leader of the central board")),
    ("lanvt", gettext_lazy("Clerk of the central board")),
    ("hungnv", gettext_lazy("Leader of a city board")),
    ("xuanptt", gettext_lazy("Clerk of a city board")),
    ("quelv", gettext_lazy("Official of a provincial board")),
    ("maitn", gettext_lazy("Public-opinion analyst")),
    ("khoabv", gettext_lazy("Citizen")),
)


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoResult:
    """What `demo_load` did: whether it loaded anything, and the totals now in the database."""

    created: bool
    users: int
    units: int
    memberships: int


def demo_loaded() -> bool:
    """Whether the demo organisation is already in this database."""
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


def demo_load() -> DemoResult:
    """Load the demo organisation once, through the services (actor: the system), in one transaction."""
    if demo_loaded():
        return _totals(created=False)
    with transaction.atomic():
        levels = {}
        for level in LEVELS:
            levels[level.code], _created = UnitLevel.objects.get_or_create(
                code=level.code, defaults={"name": level.name, "rank": level.rank}
            )
        units: dict[str, Unit] = {}
        for u in UNITS:
            units[u.code] = unit_create(
                actor=None,
                code=u.code,
                short_name=u.short_name,
                name=u.name,
                level=levels[u.level],
                parent=units[u.parent] if u.parent else None,
                valid_from=u.valid_from,
                valid_to=u.valid_to,
            )
        users = _create_users()
        for person in PEOPLE:
            for seat in person.seats:
                membership_add(
                    actor=None,
                    user=users[person.full_name],
                    unit=units[seat.unit],
                    role=seat.role,
                    title=seat.title,
                )
        audit_write(
            actor=None,
            action=LOADED_ACTION,
            data={"users": len(users), "units": len(units)},
        )
    return _totals(created=True)


def _create_users() -> dict[str, User]:
    # One hash for every account: the password is public anyway, and hashing it ~50 times
    # would make seeding (and every test that seeds) take many seconds.
    password_hash = make_password(DEMO_PASSWORD)
    people = [*PEOPLE, ADMIN]
    accounts: list[User] = []
    for person in people:
        user = User(
            full_name=person.full_name,
            email=normalize_email(demo_email(person.email)) if person.email else None,
            phone=normalize_phone(person.phone) if person.phone else None,
            password=password_hash,
            is_staff=person is ADMIN,
            is_superuser=person is ADMIN,
        )
        validate_password(DEMO_PASSWORD, user)
        accounts.append(user)
    wanted = [u.email for u in accounts if u.email]
    taken = [str(e) for e in User.objects.filter(email__in=wanted).values_list("email", flat=True)]
    if taken:
        raise Conflict(
            _("These demo e-mail addresses are already in use: %(emails)s.")
            % {"emails": ", ".join(sorted(taken))}
        )
    User.objects.bulk_create(accounts)
    for user in accounts:
        audit_write(
            actor=None,
            action="user.create",
            obj=user,
            data={"email": user.email, "phone": user.phone, "source": "demo"},
        )
    return {user.full_name: user for user in accounts}


def _totals(*, created: bool) -> DemoResult:
    people = (*PEOPLE, ADMIN)
    emails = [demo_email(p.email) for p in people if p.email]
    phones = [normalize_phone(p.phone) for p in people if p.phone and not p.email]
    return DemoResult(
        created=created,
        users=User.objects.filter(Q(email__in=emails) | Q(phone__in=phones)).count(),
        units=Unit.objects.filter(code__in=[u.code for u in UNITS]).count(),
        memberships=Membership.objects.filter(unit__code__in=[u.code for u in UNITS]).count(),
    )


def showcase_accounts() -> list[tuple[str, str, str]]:
    """(role, full name, e-mail) of the demo accounts worth trying first."""
    names = {p.email: p.full_name for p in (*PEOPLE, ADMIN) if p.email}
    return [(str(role), names[local], demo_email(local)) for local, role in SHOWCASE]


class Writer(Protocol):
    """Where demo hooks print: a management command's stdout, or any text stream."""

    def write(self, msg: str, /) -> object: ...


@dataclass(frozen=True)
class DemoTotp:
    """The demo account enrolled in TOTP and its shared secret (base32), for an authenticator app."""

    full_name: str
    email: str
    secret: str


def demo_totp_enrol() -> DemoTotp | None:
    """Enrol the demo leader in TOTP once (a new random secret); later calls return the same secret.

    None when the demo organisation is not loaded.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    user = User.objects.filter(email=normalize_email(demo_email(TOTP_LEADER))).first()
    if user is None:
        return None
    with transaction.atomic():
        existing = (
            Authenticator.objects.select_for_update()
            .filter(user=user, type=Authenticator.Type.TOTP)
            .first()
        )
        if existing is not None:
            secret = decrypt(existing.data["secret"])
        else:
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            audit_write(actor=None, action="mfa.totp_enrol", obj=user, data={"source": "demo"})
    return DemoTotp(full_name=user.full_name, email=str(user.email), secret=secret)


def demo_extensions_load(stdout: Writer) -> list[str]:
    """Call `load_demo(stdout)` of every other installed `vcnet.<app>.demo`, in INSTALLED_APPS order.

    Each `load_demo` must itself load its data once and change nothing on later runs (it may
    print what is there). Returns the names of the apps whose hook ran.
    """
    ran = []
    for config in apps.get_app_configs():
        if not config.name.startswith("vcnet.") or config.name == __package__:
            continue
        module_name = f"{config.name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # this app has no demo data
            raise
        load = getattr(module, "load_demo", None)
        if callable(load):
            load(stdout)
            ran.append(config.name)
    return ran
