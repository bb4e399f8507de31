"""Seed a social network at scale into PostgreSQL: 100,000 people, 100 official pages, 1,000,000 posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vcnet_bench \
        .venv/bin/python bench/social/generate.py [--users 100000] [--posts 1000000] [--reset]

Rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series), 10,000 people or
100,000 posts per statement, so the whole seed takes a few minutes on a 2-core machine. The follow
graph is skewed like real ones: a few popular people gather most follows; everyone follows the
central page `btg_trunguong` (100,000 followers: the fan-out case), a few provincial pages have
~20% of people, the rest 1-5%. About 30% of people were active in the last 7 days. Posts are
spread over ~6 months, 10% by pages, 5% replies, 5% shares, 8% followers-only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")

PAGES = 100
PEOPLE_BATCH = 10_000
POSTS_BATCH = 100_000
SENTENCES = [
    "Hướng dẫn tra cứu thông tin bảo hiểm y tế trên ứng dụng VNeID",
    "Kế hoạch phòng chống lũ lụt mùa mưa bão năm 2026",
    "Cải cách hành chính: giảm thời gian giải quyết thủ tục đất đai",
    "Chuyển đổi số cấp xã: mỗi người dân một tài khoản định danh",
    "Thông báo lịch tiếp công dân tháng này của lãnh đạo tỉnh",
    "Chính sách hỗ trợ học phí cho học sinh vùng khó khăn",
    "Tuyên truyền phòng chống lừa đảo qua mạng xã hội",
    "Kỷ niệm ngày thành lập ngành Tuyên giáo",
    "Hỏi đáp về đăng ký tạm trú, tạm vắng trực tuyến",
    "Mô hình nông thôn mới kiểu mẫu ở huyện miền núi",
    "Ý kiến người dân về dự thảo luật đất đai sửa đổi",
    "Cảm ơn các chiến sĩ đã hỗ trợ bà con vùng lũ",
]
TAGS = ["ChuyểnĐổiSố", "BHYT", "PhòngChốngLũ", "CảiCáchHànhChính", "VNeID", "NôngThônMới"]


LATE_DEFAULTS = {
    ("social_actor", "labels"): "'[]'::jsonb",
    ("social_actor", "sanction_reason"): "''",
    ("social_post", "labels"): "'[]'::jsonb",
    ("social_post", "reach_limited"): "false",
    ("social_post", "state"): "'published'",
    ("social_post", "state_reason"): "''",
    ("social_post", "warning"): "''",
    # Versions key the cached cards (social.cards): a random token per row, as the app sets.
    ("social_actor", "version"): "(floor(random() * 4611686018427387903))::bigint",
    ("social_post", "version"): "(floor(random() * 4611686018427387903))::bigint",
}


def _sql_array(items: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--reset", action="store_true", help="delete earlier bench rows first")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (…/vcnet_bench).")
    from vcnet.accounts.models import Unit, UnitLevel
    from vcnet.accounts.services import unit_create

    started = time.perf_counter()

    def step(label: str, sql: str, params: list[object] | None = None) -> int:
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, params or [])
            rows = cur.rowcount
        print(f"  {label}: {rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        return rows

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM social_actor WHERE handle LIKE 'bench%%'")
        existing = cur.fetchone()[0]
    if existing and not args.reset:
        print(f"Already seeded ({existing:,} bench actors); use --reset to start again.")
        return
    if args.reset:
        print("Deleting earlier bench rows…")
        for sql in (
            "DELETE FROM social_post WHERE author_id IN (SELECT id FROM social_actor WHERE handle LIKE 'bench%%')",
            "DELETE FROM social_follow WHERE follower_id IN (SELECT id FROM social_actor WHERE handle LIKE 'bench%%')"
            " OR target_id IN (SELECT id FROM social_actor WHERE handle LIKE 'bench%%')",
            "DELETE FROM social_actor WHERE handle LIKE 'bench%%'",
            "DELETE FROM accounts_user WHERE email LIKE 'bench%%@bench.vcnet.test'",
        ):
            step("delete", sql)

    level, _ = UnitLevel.objects.get_or_create(code="tinh", defaults={"name": "Tỉnh", "rank": 1})
    units = []
    for i, province in enumerate(["Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Quảng Bình", "Huế"]):
        unit = Unit.objects.filter(code=f"bench-{i}").first() or unit_create(
            actor=None,
            code=f"bench-{i}",
            short_name=f"BTG-{i}",
            name=f"Ban Tuyên giáo Tỉnh ủy {province}",
            level=level,
        )
        units.append(unit.pk)

    with connection.cursor() as cur:
        # Foreign-key triggers off while loading (the rows are consistent by construction).
        cur.execute("SET session_replication_role = replica")
        # Columns added after the statements below were written: the models' defaults, as
        # database defaults of this bench database (Django sets them in Python only).
        for (table, column), default in LATE_DEFAULTS.items():
            cur.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}")

    print(f"People: {args.users:,}")
    first_names = _sql_array(
        ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hoa", "Lan", "Minh", "Tú"]
    )
    last_names = _sql_array(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ"])
    for start in range(1, args.users + 1, PEOPLE_BATCH):
        end = min(args.users, start + PEOPLE_BATCH - 1)
        step(
            f"users {start:,}-{end:,}",
            f"""INSERT INTO accounts_user
                  (password, is_superuser, email, full_name, avatar, is_active, is_staff, date_joined)
                SELECT '!', false, 'bench' || g || '@bench.vcnet.test',
                       ({last_names})[1 + g %% 9] || ' Văn ' || ({first_names})[1 + (g / 9) %% 10],
                       '', true, false, now() - random() * interval '400 days'
                FROM generate_series(%s, %s) g""",  # noqa: S608 (constants only)
            [start, end],
        )
    step(
        "person actors",
        """INSERT INTO social_actor
             (kind, handle, display_name, bio, avatar, header, verified, created_at,
              followers_count, following_count, posts_count, last_active_at, search_text, user_id)
           SELECT 'person', 'bench' || u.id, u.full_name, '', '', '', false, u.date_joined, 0, 0, 0,
                  CASE WHEN random() < 0.3 THEN now() - random() * interval '7 days'
                       ELSE now() - interval '8 days' - random() * interval '300 days' END,
                  'bench' || u.id, u.id
           FROM accounts_user u WHERE u.email LIKE 'bench%%@bench.vcnet.test' ORDER BY u.id""",
    )
    step(
        "page actors",
        f"""INSERT INTO social_actor
              (kind, handle, display_name, bio, avatar, header, verified, verified_at, created_at,
               followers_count, following_count, posts_count, search_text, unit_id)
            SELECT 'page', CASE WHEN g = 1 THEN 'bench_btg_trunguong' ELSE 'bench_page' || g END,
                   'Trang chính thức số ' || g, '', '', '', true, now(), now() - interval '2 years',
                   0, 0, 0, 'bench page ' || g, (ARRAY{units})[1 + g %% {len(units)}]
            FROM generate_series(1, {PAGES}) g""",  # noqa: S608 (constants only)
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT min(id), max(id) FROM social_actor WHERE kind = 'person' AND handle LIKE 'bench%%'"
        )
        p_min, p_max = cur.fetchone()
        cur.execute(
            "SELECT min(id), max(id) FROM social_actor WHERE kind = 'page' AND handle LIKE 'bench%%'"
        )
        g_min, g_max = cur.fetchone()
    n_people = p_max - p_min + 1

    print("Follows")
    for start in range(p_min, p_max + 1, PEOPLE_BATCH):
        end = min(p_max, start + PEOPLE_BATCH - 1)
        # 5..45 people each (skewed towards few), chosen with a power law: low ids are popular.
        step(
            f"people → people {start:,}-{end:,}",
            """INSERT INTO social_follow (follower_id, target_id, created_at)
               SELECT DISTINCT f, t, now() FROM (
                 SELECT a.id AS f, %s + floor(%s * power(random(), 2.5))::bigint AS t
                 FROM social_actor a,
                      LATERAL generate_series(1, 5 + floor(40 * power(random(), 2))::int + (a.id * 0)) k
                 WHERE a.id BETWEEN %s AND %s) x
               WHERE f <> t
               ON CONFLICT DO NOTHING""",
            [p_min, n_people, start, end],
        )
    step(
        "everyone → the central page",
        "INSERT INTO social_follow (follower_id, target_id, created_at) "
        "SELECT id, %s, now() FROM social_actor WHERE id BETWEEN %s AND %s",
        [g_min, p_min, p_max],
    )
    step(
        "people → provincial pages (20% each)",
        """INSERT INTO social_follow (follower_id, target_id, created_at)
           SELECT a.id, p.id, now() FROM social_actor a, social_actor p
           WHERE a.id BETWEEN %s AND %s AND p.id BETWEEN %s AND %s AND random() < 0.2""",
        [p_min, p_max, g_min + 1, g_min + 9],
    )
    step(
        "people → other pages (1-5% each)",
        """INSERT INTO social_follow (follower_id, target_id, created_at)
           SELECT a.id, p.id, now() FROM social_actor a, social_actor p
           WHERE a.id BETWEEN %s AND %s AND p.id BETWEEN %s AND %s
             AND random() < 0.01 + 0.04 * ((p.id %% 5) / 4.0)""",
        [p_min, p_max, g_min + 10, g_max],
    )

    print(f"Posts: {args.posts:,}")
    texts = _sql_array(SENTENCES)
    tags = _sql_array(TAGS)
    for start in range(1, args.posts + 1, POSTS_BATCH):
        end = min(args.posts, start + POSTS_BATCH - 1)
        step(
            f"posts {start:,}-{end:,}",
            f"""INSERT INTO social_post
                  (author_id, text, html, content_warning, sensitive, language, visibility,
                   reply_policy, created_at, replies_count, reblogs_count, reactions_count,
                   reaction_counts)
                SELECT
                  CASE WHEN random() < 0.1 THEN %(g_min)s + floor(%(pages)s * power(random(), 2))::bigint
                       ELSE %(p_min)s + floor(%(n)s * power(random(), 1.5))::bigint END,
                  t.txt, '<p>' || t.txt || '</p>', '', false, 'vi',
                  CASE WHEN random() < 0.08 THEN 'followers' ELSE 'public' END, 'everyone',
                  now() - (%(total)s - g) * interval '15 seconds',
                  0, 0, floor(20 * power(random(), 4))::int, '{{}}'::jsonb
                FROM generate_series(%(start)s, %(end)s) g,
                     LATERAL (SELECT ({texts})[1 + (g %% {len(SENTENCES)})] || ' #'
                             || ({tags})[1 + (g %% {len(TAGS)})] || ' (' || g || ')' AS txt) t""",  # noqa: S608 (constants only)
            {
                "g_min": g_min,
                "pages": PAGES,
                "p_min": p_min,
                "n": n_people,
                "total": args.posts,
                "start": start,
                "end": end,
            },
        )
    step(
        "replies (every 20th post, to a recent top-level post)",
        """UPDATE social_post p SET in_reply_to_id = p.id - k.k, thread_root_id = p.id - k.k
           FROM (SELECT id, 20 * floor(random() * 25)::int + 1 + floor(random() * 18)::int AS k
                 FROM social_post WHERE id %% 20 = 0 AND id > 1000
                   AND author_id BETWEEN %s AND %s) k
           WHERE p.id = k.id""",
        [p_min, p_max],
    )
    step(
        "shares (every 20th post, shifted by 7)",
        """UPDATE social_post SET reblog_of_id = id - 1 - 20 * floor(random() * 20)::int,
                                  text = '', html = '', visibility = 'public'
           WHERE id %% 20 = 7 AND id > 1000""",
    )

    print("Counters")
    step(
        "followers_count",
        """UPDATE social_actor a SET followers_count = c.n
           FROM (SELECT target_id, count(*) n FROM social_follow GROUP BY target_id) c
           WHERE a.id = c.target_id""",
    )
    step(
        "following_count",
        """UPDATE social_actor a SET following_count = c.n
           FROM (SELECT follower_id, count(*) n FROM social_follow GROUP BY follower_id) c
           WHERE a.id = c.follower_id""",
    )
    step(
        "posts_count",
        """UPDATE social_actor a SET posts_count = c.n, last_post_at = c.last
           FROM (SELECT author_id, count(*) n, max(created_at) last FROM social_post
                 GROUP BY author_id) c
           WHERE a.id = c.author_id""",
    )
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = DEFAULT")
        for table in ("accounts_user", "social_actor", "social_follow", "social_post"):
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("SELECT count(*) FROM social_follow")
        follows = cur.fetchone()[0]
    print(f"Done in {time.perf_counter() - started:.0f} s ({follows:,} follows).")


if __name__ == "__main__":
    main()
