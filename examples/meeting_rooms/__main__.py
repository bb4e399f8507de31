"""`python -m examples.meeting_rooms`: serve the example with granian (WSGI) on MEETING_ROOMS_PORT."""

from __future__ import annotations

import logging
import sys

from examples.meeting_rooms.config import REPO_DIR, Config, ConfigError


def main() -> int:
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"meeting_rooms: configuration error: {exc}", file=sys.stderr)
        return 2
    from granian import Granian
    from granian.constants import Interfaces

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    print(
        f"Đặt phòng họp (example) serves {config.base_url}/ and signs in with {config.issuer}.",
        flush=True,
    )
    Granian(
        "examples.meeting_rooms.wsgi:app",
        address=config.host,
        port=config.port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=4,
        websockets=False,
        working_dir=REPO_DIR,
        workers_kill_timeout=5,
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
