"""Measure the home feed at scale (seed first with bench/social/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vcnet_bench \
        .venv/bin/python bench/social/run.py [--samples 300] [--duration 10] [--no-http]

1. `feed_home(user)` first page, p50/p99 over active people: the database query alone, then
   with Redis (cold: the first read builds the set from the database; warm: fanned-out sets).
2. Fan-out of one post of the central page to its 100,000 followers with Redis (chunks of
   1,000, one pipeline each, run inline by one worker: the immediate task backend).
3. Throughput under granian WSGI (2 workers, 4 threads each, as `vcnet serve`) of a bare hello view and of the
   home-feed JSON view (bench/social/urls.py), database only and with Redis, measured with wrk;
   with Redis also the two floor views (a 40 KB body from Redis, and the same after one query).

Prints a table and writes bench/results/social.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
REDIS_URL = os.environ["REDIS_URL"]
PORT = 8791


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(ms, 50), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "n": len(ms),
    }


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def wrk(path: str, *, duration: int, lua: str | None = None, gzip: bool = False) -> float:
    cmd = ["wrk", "-t2", "-c16", f"-d{duration}s"]
    if gzip:  # as the mobile apps (OkHttp, URLSession) and browsers ask
        cmd += ["-H", "Accept-Encoding: gzip"]
    if lua:
        cmd += ["-s", lua]
    cmd.append(f"http://127.0.0.1:{PORT}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{path}: {non2xx.group(1)} error responses under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def serve(redis: bool, threads: int = 4) -> subprocess.Popen[bytes]:
    """granian as `vcnet serve` runs it (2 workers, `threads` blocking threads each, default 4)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.social.settings"}
    env["SOCIAL_REQUESTS_LIMIT"] = "1000000000"
    if not redis:
        env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/granian"),
            "--interface",
            "wsgi",
            "--workers",
            "2",
            "--blocking-threads",
            str(threads),
            "--port",
            str(PORT),
            "--no-access-log",
            "bench.social.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import urllib.request

    ok = 0
    for _ in range(600):  # both workers up: several answers in a row, then a moment more
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/hello/", timeout=2)
            ok += 1
            if ok >= 20:
                time.sleep(3)
                return proc
        except OSError:
            ok = 0
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("granian did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--threads", type=int, default=4, help="blocking threads per web worker (vcnet serve: 4)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per view (median)")
    parser.add_argument(
        "--patch-access", action="store_true", help="apply bench/social/patches.py (see there)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    if args.patch_access:
        from bench.social.patches import apply

        apply()
        os.environ["BENCH_PATCH_ACCESS"] = "1"
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from vcnet.accounts.models import User
    from vcnet.social import feeds
    from vcnet.social.feeds import redis as rfeed
    from vcnet.social.feeds import tasks
    from vcnet.social.models import Actor, Post

    random.seed(7)
    results: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "database": connection.vendor,
        "patched_access": args.patch_access,
        "load_average_at_start": os.getloadavg(),
    }
    posts = Post.objects.count()
    people = Actor.objects.filter(kind="person").count()
    results["posts"], results["people"] = posts, people
    print(f"{people:,} people, {posts:,} posts, {connection.vendor}")

    active = list(
        Actor.objects.filter(
            kind="person",
            handle__startswith="bench",
            following_count__gt=0,
            last_active_at__gte=timezone.now() - rfeed.ACTIVE_WINDOW,
        ).values_list("user_id", flat=True)
    )
    sample_ids = random.sample(active, min(args.samples, len(active)))
    users = list(User.objects.filter(pk__in=sample_ids))
    rfeed.client().flushdb()
    cache.clear()

    # 1. Home feed latency: the web page's feed (posts) and the API's (status cards → JSON).
    from django.test import RequestFactory

    from vcnet.social.cards import local_clear, statuses_from_cards

    request = RequestFactory().get("/api/v1/timelines/home", HTTP_HOST="127.0.0.1")

    def api(u: Any, **kw: Any) -> str:
        page = feeds.feed_home(u, cards=True, **kw)
        return json.dumps(statuses_from_cards(request, u, page.cards), ensure_ascii=False)

    with override_settings(REDIS_URL=None):
        for user in users[:30]:
            feeds.feed_home(user)  # warm PostgreSQL's cache and the connection
            api(user)
        # Each process keeps the cards it built (no Redis): start both measures with none, as a
        # process that just started.
        local_clear()
        api_db_ms = [timed(lambda u=u: api(u)) for u in users]
        api_db_again_ms = [timed(lambda u=u: api(u)) for u in users]
        local_clear()
        db_ms = [timed(lambda u=u: feeds.feed_home(u)) for u in users]
        # The same readers again, at once: what someone refreshing their feed gets (PostgreSQL's
        # pages for them are cached now; anything the app caches per reader would be too).
        db_again_ms = [timed(lambda u=u: feeds.feed_home(u)) for u in users]
        page2 = []
        for u in users[:100]:
            first = feeds.feed_home(u)
            if first.next_max_id:
                page2.append(timed(lambda u=u, m=first.next_max_id: feeds.feed_home(u, max_id=m)))
    results["home_db"] = summary(db_ms)
    results["home_db_again"] = summary(db_again_ms)
    results["home_db_page2"] = summary(page2)
    results["api_home_db"] = summary(api_db_ms)
    results["api_home_db_again"] = summary(api_db_again_ms)
    cold_ms = [timed(lambda u=u: feeds.feed_home(u)) for u in users]
    warm_ms = [timed(lambda u=u: feeds.feed_home(u)) for u in users]
    results["home_redis_cold"] = summary(cold_ms)
    results["home_redis_warm"] = summary(warm_ms)
    rfeed.client().flushdb()
    cache.clear()
    api_cold_ms = [timed(lambda u=u: api(u)) for u in users]  # sets, readers and cards cold
    api_warm_ms = [timed(lambda u=u: api(u)) for u in users]
    results["api_home_redis_cold"] = summary(api_cold_ms)
    results["api_home_redis_warm"] = summary(api_warm_ms)
    # The API's first page as served (`feeds.snapshot`): the first read of each builds and
    # stores it, the next is one Redis call while nothing on the page changed.
    from vcnet.social.feeds import snapshot

    def first_page(u: Any) -> bytes:
        return (snapshot.cached(request, u.pk, 20) or snapshot.build(request, u, 20)).body

    build_ms = [timed(lambda u=u: first_page(u)) for u in users]
    hit_ms = [timed(lambda u=u: first_page(u)) for u in users]
    results["api_home_snapshot_build"] = summary(build_ms)
    results["api_home_snapshot_hit"] = summary(hit_ms)
    results["api_snapshot_equals_cards_json"] = (
        f"{sum(first_page(u) == api(u).encode() for u in users[:50])}/{len(users[:50])}"
    )
    same = sum(
        [p.pk for p in feeds.feed_home(u).posts]
        == [p.pk for p in _db_home(feeds, override_settings, u).posts]
        for u in users[:50]
    )
    results["redis_equals_db"] = f"{same}/{len(users[:50])}"
    same_api = 0
    for u in users[:50]:
        with override_settings(REDIS_URL=None):
            from_db = api(u)
        same_api += api(u) == from_db
    results["api_redis_cards_equal_db_json"] = f"{same_api}/{len(users[:50])}"

    # 2. Fan-out of one page post to 100,000 followers.
    central = Actor.objects.get(handle="bench_btg_trunguong")
    followers = list(central.followers_set.values_list("follower_id", flat=True))
    Actor.objects.filter(id__in=followers).update(last_active_at=timezone.now())
    t0 = time.perf_counter()
    for start in range(0, len(followers), tasks.CHUNK):  # empty warm feeds, one pipeline per chunk
        pipe = rfeed.client().pipeline(transaction=False)
        for follower_id in followers[start : start + tasks.CHUNK]:
            pipe.zadd(rfeed.home_key(follower_id), {rfeed.SENTINEL: 0}, nx=True)
            pipe.expire(rfeed.home_key(follower_id), rfeed.TTL_SECONDS)
        pipe.execute()
    prepare_s = time.perf_counter() - t0
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate, SOCIAL_FANOUT_MAX_FOLLOWERS=10**9):
        post = Post.objects.create(
            author=central, text="Thông báo khẩn: lịch phòng chống bão số 3", html="<p>…</p>"
        )
        t0 = time.perf_counter()
        chunks = tasks.fanout_post(post.pk)
        fanout_s = time.perf_counter() - t0
    reached = sum(
        rfeed.client().zscore(rfeed.home_key(f), str(post.pk)) is not None
        for f in random.sample(followers, 1000)
    )
    post.delete()
    results["fanout"] = {
        "followers": len(followers),
        "chunks": chunks,
        "seconds": round(fanout_s, 2),
        "per_follower_us": round(fanout_s / len(followers) * 1e6, 1),
        "sample_reached": f"{reached}/1000",
        "warm_sets_prepared_s": round(prepare_s, 2),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))

    # 3. Throughput under granian.
    if not args.no_http and shutil.which("wrk"):
        connection.close()
        lua = Path(tempfile.mkstemp(suffix=".lua")[1])
        lua.write_text(
            "local ids = {" + ",".join(str(u.pk) for u in users) + "}\n"
            "request = function()\n"
            "  return wrk.format('GET', '/home/?u=' .. ids[math.random(#ids)])\n"
            "end\n"
        )
        tokens = _tokens(users)
        auth_lua = Path(tempfile.mkstemp(suffix=".lua")[1])
        auth_lua.write_text(
            "local tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}\n"
            "request = function()\n"
            "  local h = {Authorization = 'Bearer ' .. tokens[math.random(#tokens)]}\n"
            "  return wrk.format('GET', '/api/v1/timelines/home', h)\n"
            "end\n"
        )
        # Each view measured `--rounds` times, interleaved (hello, home, the API, the floors,
        # again), and the median taken: the machine's own noise moves runs by ±10 %.
        rounds: dict[str, list[float]] = {}
        for redis in (False, True):
            proc = serve(redis, args.threads)
            try:
                label = "redis" if redis else "db"
                u = users[0].pk
                views: dict[str, tuple[str, str | None, bool]] = {
                    f"hello_{label}": ("/hello/", None, False),
                    f"home_{label}": ("/home/", str(lua), False),
                    f"api_{label}": ("/", str(auth_lua), False),
                }
                if redis:
                    # Clients that accept gzip get the snapshot's compressed copy.
                    views["home_redis_gzip"] = ("/home/", str(lua), True)
                    views["api_redis_gzip"] = ("/", str(auth_lua), True)
                    # The ceiling: any view's cost beyond hello (see urls.py).
                    views["floor_redis"] = ("/floor/redis/", None, False)
                    views["floor_query"] = (f"/floor/query/?u={u}", None, False)
                for path, script, gz in views.values():  # warm-up: every reader's page built
                    wrk(path, duration=3, lua=script, gzip=gz)
                for _round in range(args.rounds):
                    for name, (path, script, gz) in views.items():
                        rounds.setdefault(name, []).append(
                            wrk(path, duration=args.duration, lua=script, gzip=gz)
                        )
            finally:
                proc.terminate()
                proc.wait(10)
        http = {name: round(statistics.median(values), 1) for name, values in rounds.items()}
        for name, top in (
            ("ratio_db", ("home_db", "hello_db")),
            ("ratio_redis", ("home_redis", "hello_redis")),
            ("ratio_api_db", ("api_db", "hello_db")),
            ("ratio_api_redis", ("api_redis", "hello_redis")),
            ("ratio_redis_gzip", ("home_redis_gzip", "hello_redis")),
            ("ratio_api_redis_gzip", ("api_redis_gzip", "hello_redis")),
            ("ratio_floor_redis", ("floor_redis", "hello_redis")),
            ("ratio_floor_query", ("floor_query", "hello_redis")),
        ):
            http[name] = round(http[top[0]] / http[top[1]], 3)
        # Per round too (hello and home measured seconds apart), to show the spread.
        http["ratio_redis_rounds"] = [  # type: ignore[assignment]
            round(h / w, 3)
            for h, w in zip(rounds["home_redis"], rounds["hello_redis"], strict=True)
        ]
        http["threads_per_worker"] = args.threads
        results["http_req_per_s"] = http
        lua.unlink()
        auth_lua.unlink()
        _tokens_drop()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    results["load_average_at_end"] = os.getloadavg()
    suffix = "-patched" if args.patch_access else ""
    out = ROOT / f"bench/results/social{suffix}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}; settings.REDIS_URL={settings.REDIS_URL}")


_APP = "Bench: home timeline"


def _tokens(users: list[Any]) -> list[str]:
    """An OAuth access token (scope read) for each sampled reader, for the real endpoint."""
    import datetime as dt
    import secrets

    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, get_application_model

    _tokens_drop()
    app = get_application_model().objects.create(
        name=_APP,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="http://127.0.0.1/callback",
    )
    expires = timezone.now() + dt.timedelta(hours=2)
    rows = [
        get_access_token_model()(
            user=u, application=app, token=secrets.token_urlsafe(24), scope="read", expires=expires
        )
        for u in users
    ]
    get_access_token_model().objects.bulk_create(rows)
    return [str(r.token) for r in rows]


def _tokens_drop() -> None:
    from oauth2_provider.models import get_application_model

    get_application_model().objects.filter(name=_APP).delete()


def _db_home(feeds: Any, override_settings: Any, user: Any) -> Any:
    with override_settings(REDIS_URL=None):
        return feeds.feed_home(user)


if __name__ == "__main__":
    main()
