"""E-office at scale: inbox and search latency over many documents, and circulation time.

    .venv/bin/python bench/documents.py --docs 1000000 --units 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vcnet_bench .venv/bin/python bench/documents.py

Seeds (resumably: a second run continues where the first stopped) `--docs` documents across
`--units` units, with their access grants, work items (open for a realistic fraction) and
search-index entries, into the database named by DATABASE_URL (default: a SQLite file under
var/bench/, never var/vcnet.sqlite3). Then, after a warm-up, it measures p50/p99 of:

- `selectors.inbox(user, tab)[:20]` evaluated, and `selectors.inbox_counts(user)`;
- `selectors.document_search(user, q)` for common, rare and unaccented queries;

for a clerk, a leader and an official, and the circulation time of an internal issue (number +
issue → the recipient's inbox shows it) when the outgoing services exist. Prints a table and
writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 5000
SEED = 20260101

# Word lists for realistic subjects (trích yếu) of Party propaganda-department documents.
OPENERS = [
    "Về việc",
    "V/v",
    "Hướng dẫn",
    "Kế hoạch",
    "Báo cáo",
    "Thông báo",
    "Quyết định",
    "Công văn về việc",
    "Tờ trình về việc",
    "Chương trình",
]
ACTIONS = [
    "tuyên truyền",
    "tổ chức",
    "triển khai",
    "sơ kết",
    "tổng kết",
    "kiểm tra",
    "góp ý",
    "đăng ký",
    "thực hiện",
    "hướng dẫn",
    "phối hợp",
    "báo cáo kết quả",
    "học tập, quán triệt",
    "rà soát",
    "bồi dưỡng",
]
TOPICS = [
    "kỷ niệm 80 năm Cách mạng Tháng Tám và Quốc khánh 2/9",
    "Nghị quyết Đại hội Đảng bộ tỉnh",
    "công tác giáo dục lý luận chính trị",
    "phòng, chống dịch bệnh",
    "chuyển đổi số trong cơ quan Đảng",
    "bảo vệ nền tảng tư tưởng của Đảng",
    "cuộc thi chính luận",
    "công tác thông tin đối ngoại",
    "phát triển văn hóa, con người Việt Nam",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "giải báo chí toàn quốc về xây dựng Đảng",
    "định hướng thông tin báo chí",
    "ngày thành lập Đảng Cộng sản Việt Nam",
    "công tác dư luận xã hội",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "bồi dưỡng báo cáo viên",
    "biên giới, biển đảo",
    "an toàn giao thông",
    "cải cách hành chính",
    "thi đua khen thưởng năm",
]
TAILS = [
    "",
    "năm 2025",
    "năm 2026",
    "quý I",
    "6 tháng đầu năm",
    "giai đoạn 2026 - 2030",
    "trên địa bàn tỉnh",
    "trong toàn hệ thống",
    "đợt 2",
]
# Rare words appear in about 1 in 2,000 subjects, so a rare query has a few hundred hits.
RARE = ["Điện Biên Phủ", "Trường Sa", "khinh khí cầu", "ngọc trai", "Côn Đảo", "thủy điện"]
ORGANS = [
    "Ban Tuyên giáo Trung ương",
    "Văn phòng Trung ương Đảng",
    "Ban Tổ chức Tỉnh ủy",
    "Ủy ban nhân dân tỉnh",
    "Sở Thông tin và Truyền thông",
    "Ban Dân vận Tỉnh ủy",
    "Hội đồng nhân dân tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
]
SIGNERS = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Quốc Khánh", "Phạm Minh Đức", "Đỗ Thu Hà"]
QUERIES = {
    "common word (tuyên truyền)": "tuyên truyền",
    "common, unaccented (tuyen truyen)": "tuyen truyen",
    "two topics (chuyển đổi số)": "chuyển đổi số",
    "rare word (Côn Đảo)": "Côn Đảo",
    "rare, unaccented (truong sa)": "truong sa",
    "prefix while typing (nghị quy)": "nghị quy",
    "notation (CV)": "CV",
}


def setup_django(db_file: Path | None) -> None:
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
    import django

    django.setup()


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(
    fn: Callable[[], Any], n: int, warmup: int = 3, budget_s: float = 10.0
) -> dict[str, float]:
    """p50/p99 of `n` calls after `warmup`; stops early (at least 5 samples) past `budget_s`."""
    result = None
    for _ in range(warmup):
        result = fn()
    samples: list[float] = []
    cpu: list[float] = []
    began = time.perf_counter()
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if len(samples) >= 5 and time.perf_counter() - began > budget_s:
            break
    timed.last = result  # type: ignore[attr-defined]
    return {
        "n": len(samples),
        "p50_ms": round(pct(samples, 50), 2),
        "p99_ms": round(pct(samples, 99), 2),
        "max_ms": round(max(samples), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        # CPU time of this process: on a shared, busy machine it shows the work itself (all of
        # it on SQLite, which runs in-process; only the client's part on PostgreSQL).
        "cpu_p50_ms": round(pct(cpu, 50), 2),
        "cpu_p99_ms": round(pct(cpu, 99), 2),
    }


# --- Seeding -----------------------------------------------------------------------------------


def seed_org(n_units: int) -> dict[str, Any]:
    """Units (a central department and provinces under it), people and registers; idempotent."""
    from django.db import transaction

    from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User
    from vcnet.accounts.services import unit_create
    from vcnet.documents.models import Direction, Register

    if not Unit.objects.filter(code="bench-0").exists():
        with transaction.atomic():
            central_level, _ = UnitLevel.objects.get_or_create(
                code="trung-uong", defaults={"name": "Trung ương", "rank": 0}
            )
            level, _ = UnitLevel.objects.get_or_create(
                code="tinh", defaults={"name": "Tỉnh", "rank": 1}
            )
            root = unit_create(
                actor=None,  # type: ignore[arg-type]
                code="bench-0",
                short_name="BTGTW",
                name="Ban Tuyên giáo Trung ương",
                level=central_level,
                parent=None,
            )
            units = [root]
            for i in range(1, n_units):
                units.append(
                    unit_create(
                        actor=None,  # type: ignore[arg-type]
                        code=f"bench-{i}",
                        short_name=f"BTGTU{i}",
                        name=f"Ban Tuyên giáo Tỉnh ủy số {i}",
                        level=level,
                        parent=root,
                    )
                )
            users = []
            memberships = []
            for unit in units:
                for role, count in ((Role.CLERK, 1), (Role.LEADER, 2), (Role.OFFICIAL, 6)):
                    for j in range(count):
                        user = User(
                            email=f"{role}{j}.{unit.code}@bench.vcnet.test",
                            full_name=f"{random.choice(SIGNERS)} {unit.pk}-{role}-{j}",
                        )
                        user.set_unusable_password()
                        users.append(user)
                        memberships.append((user, unit, role))
            User.objects.bulk_create(users, batch_size=500)
            by_email = {
                u.email: u for u in User.objects.filter(email__endswith="@bench.vcnet.test")
            }
            Membership.objects.bulk_create(
                [
                    Membership(user=by_email[u.email], unit=unit, role=r)
                    for u, unit, r in memberships
                ],
                batch_size=500,
            )
            Register.objects.bulk_create(
                [
                    Register(unit=unit, direction=direction, name=name)
                    for unit in units
                    for direction, name in (
                        (Direction.INCOMING, "Sổ văn bản đến"),
                        (Direction.OUTGOING, "Sổ văn bản đi"),
                    )
                ]
            )
    units = list(Unit.objects.filter(code__startswith="bench-").order_by("pk"))
    people: dict[int, dict[str, list[int]]] = {u.pk: {} for u in units}
    for user_id, unit_id, role in Membership.objects.filter(unit__in=units).values_list(
        "user_id", "unit_id", "role"
    ):
        people[unit_id].setdefault(role, []).append(user_id)
    registers = {(r.unit_id, r.direction): r.pk for r in Register.objects.filter(unit__in=units)}
    return {"units": units, "people": people, "registers": registers}


def subject(rng: random.Random) -> str:
    parts = [rng.choice(OPENERS), rng.choice(ACTIONS), rng.choice(TOPICS)]
    if rng.random() < 0.0005 * len(RARE):
        parts.append("tại " + rng.choice(RARE))
    tail = rng.choice(TAILS)
    if tail:
        parts.append(tail)
    return " ".join(parts)


def fast_insert(model: Any, objs: list[Any]) -> None:
    """`bulk_create` without the ORM's per-value preparation: one `executemany` of plain values
    (only dates and times need adapting; these models have no JSON or custom fields)."""
    from django.db import connection, models

    if not objs:
        return
    ops = connection.ops
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]

    def converter(f: Any) -> Callable[[Any], Any] | None:
        if connection.vendor != "sqlite":
            return None
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        return None

    plan = [(f.attname, converter(f)) for f in fields]
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [
        tuple(
            (conv(v) if v is not None else None) if conv else v
            for attname, conv in plan
            for v in (getattr(obj, attname),)
        )
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def seed_documents(n_docs: int, org: dict[str, Any], *, log: Callable[[str], None]) -> float:
    """Documents in batches of BATCH, each batch with its grants, work items and index entries
    in one transaction, so a stopped run resumes at the last whole batch."""
    from django.db import connection, transaction
    from django.db.models import Count, Max
    from django.utils import timezone

    from vcnet.accounts.models import Role
    from vcnet.core.search import SearchDoc, search_index_many
    from vcnet.documents.models import (
        Direction,
        Document,
        DocumentAccess,
        DocumentType,
        Source,
        Status,
        WorkItem,
        WorkKind,
    )
    from vcnet.documents.services.common import SEARCH_TYPE, search_scope

    done = Document.objects.filter(unit__code__startswith="bench-").count()
    if done >= n_docs:
        return 0.0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    units = org["units"]
    people = org["people"]
    registers = org["registers"]
    types = list(DocumentType.objects.values_list("pk", "name", "abbreviation"))
    start_id = (Document.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    counters: dict[tuple[int, str], int] = {}
    # Numbers run 1, 2, 3… per register and year, so the count is the last number given.
    for reg, year, count in (
        Document.objects.filter(unit__code__startswith="bench-")
        .values("register_id", "registered_year")
        .annotate(n=Count("id"))
        .values_list("register_id", "registered_year", "n")
    ):
        counters[(reg, year)] = count
    now = timezone.now()
    span = dt.timedelta(days=730)
    started = time.perf_counter()
    i = done
    while i < n_docs:
        rng = random.Random(SEED + i)
        stop = min(n_docs, i + BATCH)
        docs: list[Document] = []
        grants: list[DocumentAccess] = []
        work: list[WorkItem] = []
        index: list[SearchDoc] = []
        for k in range(i, stop):
            pk = start_id + (k - done)
            unit = units[k % len(units)]
            staff = people[unit.pk]
            created = now - span + span * (k / n_docs) + dt.timedelta(seconds=rng.randint(0, 600))
            incoming = rng.random() < 0.6
            direction = Direction.INCOMING if incoming else Direction.OUTGOING
            register_id = registers[(unit.pk, direction)]
            year = str(created.year)
            number = counters.get((register_id, year), 0) + 1
            counters[(register_id, year)] = number
            type_id, type_name, abbr = rng.choice(types)
            priority = rng.choices([0, 1, 2, 3], weights=[85, 10, 4, 1])[0]
            age_days = (now - created).days
            open_ = (age_days < 30 and rng.random() < 0.5) or rng.random() < 0.02
            handler = rng.choice(staff[Role.OFFICIAL])
            leader = rng.choice(staff[Role.LEADER])
            due = (created + dt.timedelta(days=rng.choice([5, 7, 10, 15]))).date()
            handling = dt.timedelta(hours=rng.uniform(4, 24 * 9))
            text = subject(rng)
            doc = Document(
                pk=pk,
                direction=direction,
                unit=unit,
                register_id=register_id,
                doc_type_id=type_id,
                subject=text,
                priority=priority,
                due_date=due if incoming else None,
                organ_name=rng.choice(ORGANS) if incoming else unit.name,
                signer_name=rng.choice(SIGNERS),
                signer_position="Trưởng ban",
                issued_date=created.date(),
                registered_year=year,
                created_at=created,
                updated_at=created,
            )
            if incoming:
                doc.source = Source.INTERNAL
                doc.code_number = str(rng.randint(1, 9999))
                doc.code_notation = f"{abbr or 'CV'}-BTG" if abbr else "BTGTW"
                doc.arrival_number = number
                doc.arrival_date = created
                doc.registered_at = created + dt.timedelta(minutes=rng.randint(1, 240))
                if open_:
                    doc.status = rng.choice(
                        [Status.REGISTERED, Status.DIRECTING, Status.IN_PROGRESS]
                    )
                else:
                    doc.status = Status.DONE
                    doc.completed_at = doc.registered_at + handling
            else:
                doc.source = Source.DRAFTED
                doc.code_number = str(number)
                doc.code_notation = f"{abbr or 'CV'}-{unit.short_name}"
                doc.status = Status.ISSUED if not open_ else Status.TO_ISSUE
                doc.issued_at = created if not open_ else None
            docs.append(doc)
            grants.append(DocumentAccess(document_id=pk, unit=unit, role=Role.CLERK, reason="unit"))
            grants.append(
                DocumentAccess(document_id=pk, unit=unit, role=Role.LEADER, reason="unit")
            )
            grants.append(DocumentAccess(document_id=pk, user_id=handler, reason="handler"))
            if open_:
                if doc.status == Status.REGISTERED or doc.status == Status.TO_ISSUE:
                    kind = WorkKind.REGISTER if incoming else WorkKind.ISSUE
                    work.append(
                        WorkItem(
                            document_id=pk,
                            kind=kind,
                            unit=unit,
                            role=Role.CLERK,
                            priority=priority,
                            deadline=doc.due_date,
                            created_at=created,
                        )
                    )
                elif doc.status == Status.DIRECTING:
                    work.append(
                        WorkItem(
                            document_id=pk,
                            kind=WorkKind.DIRECT,
                            user_id=leader,
                            priority=priority,
                            deadline=doc.due_date,
                            created_at=created,
                        )
                    )
                else:
                    work.append(
                        WorkItem(
                            document_id=pk,
                            kind=WorkKind.HANDLE,
                            user_id=handler,
                            priority=priority,
                            deadline=doc.due_date,
                            created_at=created,
                        )
                    )
            elif rng.random() < 0.3:
                # Some finished history keeps the table realistic (closed items are not in the
                # partial inbox indexes, so they cost the inbox nothing).
                work.append(
                    WorkItem(
                        document_id=pk,
                        kind=WorkKind.HANDLE if incoming else WorkKind.ISSUE,
                        user_id=handler,
                        priority=priority,
                        created_at=created,
                        done_at=created + handling,
                    )
                )
            title = f"{type_name} {doc.code} {text}"
            body = " ".join(p for p in (doc.organ_name, doc.signer_name) if p)
            index.append(SearchDoc(SEARCH_TYPE, pk, title, body, search_scope(doc.unit_id)))
        with transaction.atomic():
            fast_insert(Document, docs)
            fast_insert(DocumentAccess, grants)
            fast_insert(WorkItem, work)
            search_index_many(index, batch_size=BATCH)
        i = stop
        elapsed = time.perf_counter() - started
        rate = (i - done) / elapsed
        if (i // BATCH) % 10 == 0 or i == n_docs:
            log(f"  seeded {i:,}/{n_docs:,} ({rate:,.0f} docs/s, {elapsed:,.0f} s)")
    seed_finish()
    return time.perf_counter() - started


def seed_finish() -> None:
    """After seeding (or a stopped seeding): the id sequence past the explicit ids, fresh
    planner statistics."""
    from django.db import connection
    from django.db.models import Count

    from vcnet.documents.models import Document, RegisterCounter

    # The registers' counters continue after the seeded numbers (1, 2, 3… per register-year).
    for register_id, year, n in (
        Document.objects.filter(unit__code__startswith="bench-", register__isnull=False)
        .exclude(registered_year="")
        .values("register_id", "registered_year")
        .annotate(n=Count("id"))
        .values_list("register_id", "registered_year", "n")
    ):
        RegisterCounter.objects.update_or_create(
            register_id=register_id, period_key=year, defaults={"last_number": n}
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('documents_document', 'id'), "
                "(SELECT MAX(id) FROM documents_document))"
            )
        cursor.execute("ANALYZE")


# --- Measuring ---------------------------------------------------------------------------------


def _pdf(text: str) -> bytes:
    """A small real PDF (the services check what they are given)."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 770, text.encode("ascii", "ignore").decode())
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def circulation(org: dict[str, Any]) -> dict[str, Any]:
    """Issue an internal document with the real services; time until the recipient's inbox
    shows it."""
    import io

    from vcnet.accounts.models import Role, User
    from vcnet.documents import selectors
    from vcnet.documents.models import Approval, ApprovalStep, DocumentType
    from vcnet.documents.services import outgoing
    from vcnet.documents.services.incoming import Upload

    units = org["units"]
    sender, recipient = units[1], units[2]
    people = org["people"]
    clerk = User.objects.get(pk=people[sender.pk][Role.CLERK][0])
    leader = User.objects.get(pk=people[sender.pk][Role.LEADER][0])
    official = User.objects.get(pk=people[sender.pk][Role.OFFICIAL][0])
    recipient_clerk = User.objects.get(pk=people[recipient.pk][Role.CLERK][0])
    pdf = _pdf("Công văn về việc đo thời gian luân chuyển văn bản nội bộ")
    doc_type = DocumentType.objects.filter(code="cong-van").first() or DocumentType.objects.first()
    try:
        fields = outgoing.DraftFields(
            subject="Công văn về việc đo thời gian luân chuyển văn bản nội bộ",
            doc_type_id=doc_type.pk if doc_type else None,
            recipients=[outgoing.RecipientSpec(unit_id=recipient.pk)],
            recipients_text="Như trên; Lưu VT.",
        )
        draft = outgoing.draft_create(
            actor=official, unit=sender, fields=fields, main=Upload(io.BytesIO(pdf), "du-thao.pdf")
        )
        outgoing.draft_submit(
            actor=official,
            document=draft,
            content_approver=leader,
            layout_checker=clerk,
            signer=leader,
        )
        for step in (ApprovalStep.CONTENT, ApprovalStep.LAYOUT, ApprovalStep.SIGNER):
            approval = Approval.objects.get(
                document=draft, step=step, decision=Approval.Decision.PENDING
            )
            outgoing.approval_decide(actor=approval.user, approval=approval, approve=True)
        outgoing.document_sign_upload(
            actor=leader, document=draft, signed=Upload(io.BytesIO(pdf), "da-ky.pdf")
        )
        draft.refresh_from_db()
    except NotImplementedError:
        return {"available": False, "reason": "outgoing services not implemented yet"}
    except Exception as exc:  # a bench reports what stopped it
        return {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
    started = time.perf_counter()
    outgoing.document_number(actor=clerk, document=draft)
    outgoing.document_issue(actor=clerk, document=draft)
    seen = False
    while not seen and time.perf_counter() - started < 10:
        seen = selectors.inbox(recipient_clerk).filter(document__origin_id=draft.pk).exists()
    elapsed = (time.perf_counter() - started) * 1000
    return {"available": True, "seen": seen, "number_issue_to_inbox_ms": round(elapsed, 1)}


def ensure_open_work(unit: Any, personas: dict[str, Any], log: Callable[[str], None]) -> None:
    """Give the measured people a realistically full inbox (a clerk a few hundred open items,
    a leader and an official dozens to hundreds), whatever size the seeding reached."""
    from django.db import transaction
    from django.utils import timezone

    from vcnet.accounts.models import Role
    from vcnet.documents.models import Document, WorkItem, WorkKind
    from vcnet.documents.selectors import open_work

    wanted = {"clerk": 400, "leader": 150, "official": 80}
    kinds = {"clerk": WorkKind.REGISTER, "leader": WorkKind.DIRECT, "official": WorkKind.HANDLE}
    rng = random.Random(SEED)
    ids = list(
        Document.objects.filter(unit=unit).order_by("-id").values_list("id", flat=True)[:2000]
    )
    now = timezone.now()
    with transaction.atomic():
        for name, user in personas.items():
            missing = wanted[name] - open_work(user).count()
            if missing <= 0:
                continue
            items = []
            for k in range(missing):
                holder = {"unit": unit, "role": Role.CLERK} if name == "clerk" else {"user": user}
                items.append(
                    WorkItem(
                        document_id=rng.choice(ids),
                        kind=kinds[name],
                        priority=rng.choices([0, 1, 2, 3], weights=[85, 10, 4, 1])[0],
                        deadline=(now + dt.timedelta(days=rng.randint(-10, 20))).date(),
                        created_at=now - dt.timedelta(minutes=k * 7),
                        **holder,
                    )
                )
            fast_insert(WorkItem, items)
            log(f"  topped up {name}'s inbox with {missing} open items")


def measure(org: dict[str, Any], n: int, log: Callable[[str], None]) -> dict[str, Any]:
    from vcnet.accounts.models import Role, User
    from vcnet.documents import selectors

    units = org["units"]
    people = org["people"]
    unit = units[len(units) // 2]
    personas = {
        "clerk": User.objects.get(pk=people[unit.pk][Role.CLERK][0]),
        "leader": User.objects.get(pk=people[unit.pk][Role.LEADER][0]),
        "official": User.objects.get(pk=people[unit.pk][Role.OFFICIAL][0]),
    }
    ensure_open_work(unit, personas, log)
    results: dict[str, Any] = {"inbox": {}, "inbox_counts": {}, "search": {}}
    results["inbox_size"] = {
        name: selectors.open_work(user).count() for name, user in personas.items()
    }
    for name, user in personas.items():
        for tab in ("all", "register", "direct", "handle", "overdue"):
            key = f"{name}/{tab}"
            results["inbox"][key] = timed(lambda u=user, t=tab: list(selectors.inbox(u, t)[:20]), n)
            log(f"  inbox {key}: {results['inbox'][key]}")
        results["inbox_counts"][name] = timed(lambda u=user: selectors.inbox_counts(u), n)
        log(f"  inbox_counts {name}: {results['inbox_counts'][name]}")
        for label, q in QUERIES.items():
            key = f"{name}/{label}"
            results["search"][key] = timed(
                lambda u=user, q=q: selectors.document_search(u, q), max(5, n // 5), warmup=1
            )
            results["search"][key]["hits"] = len(timed.last)  # type: ignore[attr-defined]
            log(f"  search {key}: {results['search'][key]}")
    from vcnet.documents.stats import stats_compute

    leader = personas["leader"]
    results["stats"] = {
        "unit, last 365 days": timed(
            lambda: stats_compute(
                leader,
                unit=unit,
                date_from=dt.date.today() - dt.timedelta(days=365),  # noqa: DTZ011
                include_children=False,
            ),
            5,
            warmup=1,
        )
    }
    log(f"  stats: {results['stats']}")
    for group in ("inbox", "inbox_counts", "search"):
        samples = results[group].values()
        results[f"{group}_worst_p99_ms"] = max(s["p99_ms"] for s in samples)
        results[f"{group}_worst_cpu_p99_ms"] = max(s["cpu_p99_ms"] for s in samples)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("-n", type=int, default=100, help="samples per measurement")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()

    db_file = None
    if not os.environ.get("DATABASE_URL"):
        db_file = ROOT / "var" / "bench" / f"documents-{args.docs}-{args.units}.sqlite3"
    setup_django(db_file)
    from django.core.management import call_command
    from django.db import connection

    def log(line: str) -> None:
        print(line, flush=True)

    log(f"database: {connection.vendor} {db_file or connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    org = seed_org(args.units)
    seed_s = 0.0
    if not args.measure_only:
        seed_s = seed_documents(args.docs, org, log=log)
        log(f"seeding took {seed_s:,.0f} s")
    if args.seed_only:
        return
    if args.measure_only:
        seed_finish()
    from vcnet.documents.models import Document, DocumentAccess, WorkItem

    sizes = {
        "documents": Document.objects.count(),
        "grants": DocumentAccess.objects.count(),
        "work_items": WorkItem.objects.count(),
        "open_work_items": WorkItem.objects.filter(done_at__isnull=True).count(),
    }
    log(f"sizes: {sizes}")
    results = measure(org, args.n, log)
    runs = [circulation(org) for _ in range(5)]
    times = [r["number_issue_to_inbox_ms"] for r in runs if r.get("available")]
    results["circulation"] = (
        {
            "available": True,
            "runs": len(times),
            "all_seen": all(r["seen"] for r in runs),
            "p50_ms": round(pct(times, 50), 1),
            "max_ms": round(max(times), 1),
        }
        if times
        else runs[0]
    )
    log(f"  circulation: {results['circulation']}")
    report = {
        "bench": "documents",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "machine": f"{platform.machine()} {os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "docs": args.docs,
        "units": args.units,
        "sizes": sizes,
        "seed_seconds": round(seed_s, 1),
        "targets_ms": {"inbox_p99": 50, "search_p99": 200, "circulation": 1000},
        **results,
    }
    print()
    print(f"{'measure':58} {'p50 ms':>9} {'p99 ms':>9} {'cpu p50':>9} {'cpu p99':>9}")
    for group in ("inbox", "inbox_counts", "search", "stats"):
        for key, value in results[group].items():
            print(
                f"{group + ' ' + key:58} {value['p50_ms']:>9.1f} {value['p99_ms']:>9.1f} "
                f"{value['cpu_p50_ms']:>9.1f} {value['cpu_p99_ms']:>9.1f}"
            )
    print(f"circulation: {results['circulation']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"documents-{connection.vendor}-{args.docs}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
