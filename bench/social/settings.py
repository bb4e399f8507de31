"""VCNET's settings with the benchmark's own URLconf (a bare hello view and a home-feed JSON view)."""

from vcnet.settings import *  # noqa: F403

ROOT_URLCONF = "bench.social.urls"
