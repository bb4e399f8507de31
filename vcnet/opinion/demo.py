"""Demo of opinion monitoring, loaded once by `vcnet seed --demo` after the social demo.

- the analysts of the demo organisation (Trần Ngọc Mai, central board) own the sources;
- the three news feeds of `data/demo_news`, served by VCNET itself at /opinion/demo-news/ (the
  stand-in for outlets' sites on a closed network), fetched by the worker once the site runs;
- VCNET's public posts and comments (the social demo), read by the worker;
- two weeks of readers' comments from online newspapers as an imported archive (the texts of
  `data/sentiment.jsonl`, spread over the days and provinces), so trends have a baseline;
- a watchlist of Mai's.
Items are stored waiting for analysis: the worker analyses them in its first minutes (the
dashboard shows how many wait), so seeding stays quick.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.demo import Writer
from vcnet.accounts.models import Role, User
from vcnet.core.audit import audit_write
from vcnet.core.models import AuditEntry
from vcnet.opinion import demo_news, services
from vcnet.opinion.models import ItemKind, Source, SourceKind
from vcnet.opinion.types import ItemDraft

LOADED_ACTION = "opinion.demo_load"
DATA_DIR = Path(__file__).resolve().parent / "data"
ARCHIVE_DAYS = 14
# Where the archive's comments come from, roughly as the population reads online news.
PROVINCE_WEIGHTS = (
    ("Hà Nội", 24), ("TP. Hồ Chí Minh", 26), ("Đà Nẵng", 8), ("Hải Phòng", 6), ("Huế", 5),
    ("Cần Thơ", 5), ("Nghệ An", 6), ("Thanh Hóa", 5), ("Đồng Nai", 5), ("Lâm Đồng", 4),
    ("Khánh Hòa", 3), ("Quảng Ninh", 3),
)  # fmt: skip


def demo_opinion_loaded() -> bool:
    return AuditEntry.objects.filter(action=LOADED_ACTION).exists()


def _analysts() -> list[User]:
    return list(
        User.objects.filter(memberships__role=Role.ANALYST, is_active=True)
        .distinct()
        .order_by("email")
    )


def _feeds_add(analyst: User) -> int:
    manifest = json.loads((DATA_DIR / "demo_news" / "manifest.json").read_text("utf-8"))
    base = settings.SITE_URL.rstrip("/") + demo_news.base_path()
    count = 0
    for entry in manifest:
        url = base + entry["feed"]
        if Source.objects.filter(url=url).exists():
            continue
        services.feed_create(
            analyst,
            name=entry["name"],
            url=url,
            province=entry["province"] or "",
            interval_minutes=30,
        )
        count += 1
    return count


def _archive_drafts(now: dt.datetime) -> list[ItemDraft]:
    """Readers' comments of the last two weeks: more by day than by night, a province each."""
    rng = random.Random(2026)  # noqa: S311  (demo data, reproducible)
    provinces = [p for p, _ in PROVINCE_WEIGHTS]
    weights = [w for _, w in PROVINCE_WEIGHTS]
    drafts = []
    lines = (DATA_DIR / "sentiment.jsonl").read_text("utf-8").splitlines()
    for line in lines:
        row = json.loads(line)
        day = rng.randrange(ARCHIVE_DAYS)
        hour = rng.choices(
            range(24),
            weights=[1, 1, 1, 1, 1, 2, 4, 6, 8, 8, 7, 7, 8, 6, 6, 6, 6, 7, 8, 9, 9, 7, 4, 2],
        )[0]
        moment = (now - dt.timedelta(days=day + 1)).replace(
            hour=hour, minute=rng.randrange(60), second=0, microsecond=0
        )
        digest = hashlib.sha256(row["text"].encode()).hexdigest()[:16]
        drafts.append(
            ItemDraft(
                external_id=f"demo:{digest}",
                kind=ItemKind.CLIPPING,
                text=row["text"],
                published_at=moment,
                province=rng.choices(provinces, weights=weights)[0],
            )
        )
    return drafts


def load_demo(stdout: Writer) -> None:
    """Load the opinion demo once; later runs change nothing."""
    if demo_opinion_loaded():
        stdout.write(
            _("The opinion monitoring demo is already loaded; nothing was changed.") + "\n"
        )
        return
    with transaction.atomic():
        analysts = _analysts()
        if not analysts:
            stdout.write(_("Opinion demo skipped: the demo organisation is not loaded.") + "\n")
            return
        feeds = _feeds_add(analysts[0])
        services.platform_source()
        archive, _created = Source.objects.get_or_create(
            kind=SourceKind.IMPORT,
            name="Bình luận bạn đọc báo điện tử (lưu trữ)",
            defaults={"created_by": analysts[0]},
        )
        stored = services.ingest(archive, _archive_drafts(timezone.now()))
        services.watchlist_save(
            analysts[0],
            name="Giá điện và nước sinh hoạt",
            terms=["giá điện", "hóa đơn tiền điện", "giá nước"],
            threshold=5,
        )
        audit_write(actor=None, action=LOADED_ACTION, data={"feeds": feeds, "archive": stored})
    lines = [
        _("Opinion monitoring demo loaded:"),
        _("%(n)d news feeds (served at /opinion/demo-news/, fetched by the worker)") % {"n": feeds},
        _("%(n)d archived readers' comments waiting for analysis") % {"n": stored},
        _("Analysts: %(names)s") % {"names": ", ".join(u.email or "" for u in analysts)},
    ]
    stdout.write("\n".join([lines[0], *(f"  {line}" for line in lines[1:])]) + "\n")
