"""`vcnet opinion evaluate|train|collect|process|recluster|detect`.

`evaluate` prints the sentiment classifier's scores on the held-out set; `train` retrains it
from `vcnet/opinion/data/sentiment.jsonl` and saves the shipped model; the others run one step
of the pipeline by hand (the clock runs them on its own), `process` with a progress bar.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from vcnet.assistant.management.commands.assistant import ProgressBar


class Command(BaseCommand):
    help = "Opinion monitoring: evaluate or train the sentiment model, run pipeline steps."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        evaluate = sub.add_parser("evaluate", help="Macro-F1 of the sentiment model (held out).")
        evaluate.add_argument("--json", action="store_true", help="Print the scores as JSON.")
        sub.add_parser("train", help="Retrain the sentiment model and save it.")
        sub.add_parser("collect", help="Read new public posts and due feeds.")
        sub.add_parser("process", help="Analyse every waiting item (with a progress bar).")
        sub.add_parser("recluster", help="Form and refresh topics.")
        sub.add_parser("detect", help="Check the last two hours for spikes.")
        sub.add_parser("rebuild", help="Recompute every aggregate from the analysed items.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import sentiment

        report = sentiment.evaluate()
        if options["json"]:
            self.stdout.write(
                json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2, default=str)
            )
            return
        self.stdout.write(sentiment.format_report(report))

    def _train(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import sentiment

        report = sentiment.train_and_save()
        self.stdout.write(sentiment.format_report(report))

    def _collect(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import services

        platform = services.ingest_platform()
        feeds = services.fetch_due_feeds()
        self.stdout.write(
            _("%(platform)d public posts and comments, %(items)d feed items from %(sources)d feeds")
            % {"platform": platform, **feeds}
        )

    def _process(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import aggregates, pipeline, selectors

        total = selectors.pending_count()
        bar = ProgressBar(self.stderr, _("Analysing"))
        done = 0
        bar(0, total)
        while True:
            batch = pipeline.process_batch(flush=False)
            if batch.items + batch.failed == 0:
                break
            done += batch.items + batch.failed
            bar(done, max(total, done))
        aggregates.flush(wait=True)  # each touched hour once, after the last batch
        bar.close()
        self.stdout.write(_("%(count)d items analysed") % {"count": done})

    def _rebuild(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import aggregates

        bar = ProgressBar(self.stderr, _("Rebuilding"))
        hours = aggregates.rebuild_all(progress=bar)
        bar.close()
        self.stdout.write(_("%(count)d hours rebuilt") % {"count": hours})

    def _recluster(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import topics

        self.stdout.write(json.dumps(topics.recluster()))

    def _detect(self, options: dict[str, Any]) -> None:
        from vcnet.opinion import alerts

        raised = alerts.detect()
        for alert in raised:
            self.stdout.write(alerts.alert_title(alert))
        self.stdout.write(_("%(count)d alerts raised") % {"count": len(raised)})
