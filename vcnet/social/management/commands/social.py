"""`vcnet social reindex`: rebuild the social network's part of the search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from vcnet.social.search import ACTOR_TYPE, GROUP_TYPE, HASHTAG_TYPE, POST_TYPE, social_reindex


class Command(BaseCommand):
    help = "Social network maintenance: `reindex` rebuilds its search entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        sub.add_parser("reindex", help="Index every post, profile, page, group and hashtag again.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = social_reindex()
        self.stdout.write(
            _(
                "Search index rebuilt: %(posts)d posts, %(actors)d people and pages, "
                "%(groups)d groups, %(tags)d hashtags."
            )
            % {
                "posts": counts[POST_TYPE],
                "actors": counts[ACTOR_TYPE],
                "groups": counts[GROUP_TYPE],
                "tags": counts[HASHTAG_TYPE],
            }
        )
