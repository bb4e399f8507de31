"""The example's own data in one small SQLite file: sign-in sessions and room bookings.

Sessions live here rather than in the browser's cookie so that a back-channel logout from
VCNET (a server-to-server POST, no browser involved) can end them.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOMS: tuple[tuple[str, str], ...] = (
    ("p201", "Phòng họp 201 (tầng 2, 12 chỗ)"),
    ("p305", "Phòng họp 305 (tầng 3, 20 chỗ)"),
    ("hoi-truong", "Hội trường lớn (tầng 1, 120 chỗ)"),
    ("truc-tuyen", "Phòng họp trực tuyến (tầng 4, 8 chỗ)"),
)
OPENS, CLOSES = dt.time(7, 0), dt.time(18, 0)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    sub TEXT NOT NULL,
    sid TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    units TEXT NOT NULL DEFAULT '[]',
    id_token TEXT NOT NULL DEFAULT '',
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_sub ON sessions (sub);
CREATE INDEX IF NOT EXISTS sessions_sid ON sessions (sid);
CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    day TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    title TEXT NOT NULL,
    booked_by TEXT NOT NULL,
    booked_by_sub TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bookings_day ON bookings (day, room);
CREATE TABLE IF NOT EXISTS seen_logout_tokens (
    jti TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
"""


class BookingError(ValueError):
    """A booking that cannot be made; the message is shown to the person as is."""


@dataclass(frozen=True)
class Session:
    """A person signed in to the example through VCNET."""

    id: str
    sub: str
    sid: str
    name: str
    email: str
    units: list[dict[str, Any]]
    id_token: str
    csrf: str


@dataclass(frozen=True)
class Booking:
    """One room booked for a time slot on one day."""

    id: int
    room: str
    room_name: str
    starts: str
    ends: str
    title: str
    booked_by: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Store:
    """Reads and writes the SQLite file; one short connection per operation (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA journal_mode=WAL")
            yield db
        finally:
            db.close()

    # --- Sessions ------------------------------------------------------------------------
    def session_create(
        self, *, sub: str, sid: str, name: str, email: str, units: list[Any], id_token: str
    ) -> Session:
        session = Session(
            id=secrets.token_urlsafe(32),
            sub=sub,
            sid=sid,
            name=name,
            email=email,
            units=units,
            id_token=id_token,
            csrf=secrets.token_urlsafe(24),
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions (id, sub, sid, name, email, units, id_token, csrf, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.id, sub, sid, name, email, json.dumps(units, ensure_ascii=False),
                    id_token, session.csrf, _now(),
                ),
            )  # fmt: skip
        return session

    def session_get(self, session_id: str) -> Session | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            return None
        return Session(
            id=row["id"],
            sub=row["sub"],
            sid=row["sid"],
            name=row["name"],
            email=row["email"],
            units=json.loads(row["units"]),
            id_token=row["id_token"],
            csrf=row["csrf"],
        )

    def session_delete(self, session_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def sessions_end(self, *, sub: str | None, sid: str | None) -> int:
        """End the sessions of a VCNET session (`sid`), or of a person (`sub`) when no sid is given."""
        with self._connect() as db:
            if sid:
                if sub:
                    # Sessions made without a sid (none in the ID token) go by the subject.
                    cursor = db.execute(
                        "DELETE FROM sessions WHERE sub = ? AND (sid = ? OR sid = '')", (sub, sid)
                    )
                else:
                    cursor = db.execute("DELETE FROM sessions WHERE sid = ?", (sid,))
            elif sub:
                cursor = db.execute("DELETE FROM sessions WHERE sub = ?", (sub,))
            else:
                return 0
            return cursor.rowcount

    def logout_token_seen(self, jti: str) -> bool:
        """Remember a logout token's id; True if it had been seen before (a replay)."""
        with self._connect() as db:
            try:
                db.execute(
                    "INSERT INTO seen_logout_tokens (jti, seen_at) VALUES (?, ?)", (jti, _now())
                )
            except sqlite3.IntegrityError:
                return True
        return False

    # --- Bookings ------------------------------------------------------------------------
    def bookings_for(self, day: dt.date) -> list[Booking]:
        names = dict(ROOMS)
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM bookings WHERE day = ? ORDER BY starts, room", (day.isoformat(),)
            ).fetchall()
        return [
            Booking(
                id=row["id"],
                room=row["room"],
                room_name=names.get(row["room"], row["room"]),
                starts=row["starts"],
                ends=row["ends"],
                title=row["title"],
                booked_by=row["booked_by"],
            )
            for row in rows
        ]

    def booking_create(
        self,
        *,
        session: Session,
        room: str,
        day: dt.date,
        starts: str,
        ends: str,
        title: str,
    ) -> Booking:
        """Book `room` on `day` from `starts` to `ends` (HH:MM), refusing overlaps and bad input."""
        names = dict(ROOMS)
        if room not in names:
            raise BookingError("Hãy chọn một phòng họp trong danh sách.")
        title = " ".join(title.split())
        if not title:
            raise BookingError("Hãy nhập nội dung cuộc họp.")
        if len(title) > 200:
            raise BookingError("Nội dung cuộc họp dài quá 200 ký tự.")
        try:
            start_time = dt.time.fromisoformat(starts)
            end_time = dt.time.fromisoformat(ends)
        except ValueError:
            raise BookingError("Giờ bắt đầu và giờ kết thúc phải có dạng HH:MM.") from None
        if not start_time < end_time:
            raise BookingError("Giờ kết thúc phải sau giờ bắt đầu.")
        if start_time < OPENS or end_time > CLOSES:
            raise BookingError("Phòng họp chỉ nhận đặt trong giờ hành chính, từ 07:00 đến 18:00.")
        starts, ends = start_time.strftime("%H:%M"), end_time.strftime("%H:%M")
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                clash = db.execute(
                    "SELECT title, starts, ends FROM bookings"
                    " WHERE day = ? AND room = ? AND starts < ? AND ends > ?",
                    (day.isoformat(), room, ends, starts),
                ).fetchone()
                if clash is not None:
                    raise BookingError(
                        f"{names[room]} đã có lịch từ {clash['starts']} đến {clash['ends']} "
                        f"({clash['title']}). Hãy chọn giờ khác hoặc phòng khác."
                    )
                cursor = db.execute(
                    "INSERT INTO bookings"
                    " (room, day, starts, ends, title, booked_by, booked_by_sub, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (room, day.isoformat(), starts, ends, title, session.name, session.sub, _now()),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return Booking(
            id=int(cursor.lastrowid or 0),
            room=room,
            room_name=names[room],
            starts=starts,
            ends=ends,
            title=title,
            booked_by=session.name,
        )
