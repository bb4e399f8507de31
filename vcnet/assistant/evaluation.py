"""Scores the assistant on the question set of its demo corpus (`data/eval.json`).

`vcnet assistant evaluate` calls `main`. For each question it runs what `services.ask` runs for a
question that is not an e-office request (`retrieval.retrieve(asker, q, k=5)` then
`answering.compose`), without saving anything, and measures:

- hit@1, hit@5 and MRR by *source identity*: the retrieved passages are read as the ordered list
  of distinct sources they come from (a library document by its number, an FAQ entry by its
  question, an e-office document by its subject), and the expected source's place in that list
  is its rank;
- the fact share: answers whose text (citations' quotes included) contains the expected fact,
  both folded (case, diacritics and đ ignored);
- latency p50/p95 of retrieval plus answer, in milliseconds.

The permission set asks, as a person outside the unit holding a secret document, questions only
that document answers: a leak is any retrieved passage of that document, or any of its facts in
the answer. Any leak makes the command fail (exit status 1).
"""

from __future__ import annotations

import json as jsonlib
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import User
from vcnet.assistant.models import FaqEntry, LibraryDocument, Passage, SourceType
from vcnet.assistant.types import Answer, Retrieved
from vcnet.core.text import fold

__all__ = ["QUESTIONS_PATH", "evaluate", "load_questions", "main"]

QUESTIONS_PATH = Path(__file__).resolve().parent / "data" / "eval.json"
K = 5
VARIANTS = ("accented", "unaccented", "paraphrase")
SETS = ("qa", "permission", "all")


def load_questions(path: Path | None = None) -> dict[str, Any]:
    """The question set: {"asker": e-mail, "qa": [...], "permission": [...]}."""
    with (path or QUESTIONS_PATH).open(encoding="utf-8") as handle:
        data: dict[str, Any] = jsonlib.load(handle)
    return data


def _asker(asker: Any, default: str) -> User:
    if isinstance(asker, User):
        return asker
    email = normalize_email(str(asker or default))
    user = User.objects.filter(email=email).first()
    if user is None:
        raise CommandError(
            _("Nobody has the e-mail address %(email)s; load the demo (`vcnet seed --demo`).")
            % {"email": email}
        )
    return user


class _Keys:
    """The identity of each passage's source (library: number; FAQ: question; document:
    subject), read once per source."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], str] = {}

    def key(self, source_type: str, source_id: str) -> str:
        ident = (source_type, str(source_id))
        if ident not in self._known:
            self._known[ident] = self._read(source_type, str(source_id))
        return self._known[ident]

    @staticmethod
    def _read(source_type: str, source_id: str) -> str:
        if not source_id.isdigit():
            return source_id
        pk = int(source_id)
        if source_type == SourceType.LIBRARY:
            row = LibraryDocument.objects.filter(pk=pk).values_list("number", flat=True).first()
        elif source_type == SourceType.FAQ:
            row = FaqEntry.objects.filter(pk=pk).values_list("question", flat=True).first()
        elif source_type == SourceType.DOCUMENT:
            from vcnet.documents.models import Document

            row = Document.objects.filter(pk=pk).values_list("subject", flat=True).first()
        else:
            row = None
        return row if row is not None else source_id


def _same(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] == b[0] and fold(a[1]) == fold(b[1])


def _sources(retrieved: Iterable[Retrieved], keys: _Keys) -> list[tuple[str, str]]:
    """The distinct sources of the retrieved passages, in the order they first appear."""
    out: list[tuple[str, str]] = []
    for item in retrieved:
        ident = (item.source_type, keys.key(item.source_type, item.source_id))
        if not any(_same(ident, seen) for seen in out):
            out.append(ident)
    return out


def _answer_text(answer: Answer) -> str:
    return " ".join([answer.text, *(c.quote for c in answer.citations)])


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _ask(user: User, question: str) -> tuple[list[Retrieved], Answer, float]:
    from vcnet.assistant.answering import compose
    from vcnet.assistant.retrieval import retrieve

    started = time.perf_counter()
    retrieved = retrieve(user, question, k=K)
    answer = compose(question, retrieved)
    return retrieved, answer, (time.perf_counter() - started) * 1000


def _scores(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    if not n:
        return {"count": 0, "hit_at_1": 0.0, "hit_at_5": 0.0, "mrr": 0.0, "fact_share": 0.0}
    return {
        "count": n,
        "hit_at_1": round(sum(1 for r in rows if r["rank"] == 1) / n, 3),
        "hit_at_5": round(sum(1 for r in rows if r["rank"] and r["rank"] <= K) / n, 3),
        "mrr": round(sum(1 / r["rank"] for r in rows if r["rank"]) / n, 3),
        "fact_share": round(sum(1 for r in rows if r["fact_found"]) / n, 3),
        "answered_share": round(sum(1 for r in rows if r["answered"]) / n, 3),
    }


def _qa(user: User, items: list[dict[str, Any]], keys: _Keys) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    for item in items:
        retrieved, answer, ms = _ask(user, item["question"])
        latencies.append(ms)
        expected = (item["expect"]["source_type"], item["expect"]["source_key"])
        sources = _sources(retrieved, keys)
        rank = next((n for n, s in enumerate(sources, start=1) if _same(s, expected)), None)
        rows.append(
            {
                "id": item["id"],
                "question": item["question"],
                "variant": item.get("variant", ""),
                "rank": rank,
                "fact": item["fact"],
                "fact_found": fold(item["fact"]) in fold(_answer_text(answer)),
                "answered": answer.answered,
                "top": [f"{t}: {k}" for t, k in sources[:3]],
                "answer": answer.text,
                "latency_ms": round(ms, 1),
            }
        )
    result = _scores(rows)
    result["by_variant"] = {
        variant: _scores([r for r in rows if r["variant"] == variant])
        for variant in VARIANTS
        if any(r["variant"] == variant for r in rows)
    }
    result["latency_ms"] = {
        "p50": round(_percentile(latencies, 0.5), 1),
        "p95": round(_percentile(latencies, 0.95), 1),
    }
    result["misses"] = [r["id"] for r in rows if not r["rank"] or r["rank"] > K]
    result["items"] = rows
    return result


def _forbidden_documents(items: list[dict[str, Any]]) -> dict[str, list[int]]:
    from vcnet.documents.models import Document

    subjects = {
        item["forbidden"]["source_key"]
        for item in items
        if item["forbidden"]["source_type"] == SourceType.DOCUMENT
    }
    return {
        subject: list(Document.objects.filter(subject=subject).values_list("pk", flat=True))
        for subject in subjects
    }


def _permission(user: User, items: list[dict[str, Any]], keys: _Keys) -> dict[str, Any]:
    documents = _forbidden_documents(items)
    rows: list[dict[str, Any]] = []
    for item in items:
        forbidden = (item["forbidden"]["source_type"], item["forbidden"]["source_key"])
        retrieved, answer, ms = _ask(user, item["question"])
        ids = documents.get(forbidden[1], []) if forbidden[0] == SourceType.DOCUMENT else []
        passages = [
            r.passage_id
            for r in retrieved
            if (r.document_id is not None and r.document_id in ids)
            or _same((r.source_type, keys.key(r.source_type, r.source_id)), forbidden)
        ]
        text = fold(_answer_text(answer))
        facts = [f for f in item.get("forbidden_facts", []) if fold(f) in text]
        rows.append(
            {
                "id": item["id"],
                "question": item["question"],
                "leaked_passages": passages,
                "leaked_facts": facts,
                "leak": bool(passages or facts),
                "answered": answer.answered,
                "answer": answer.text,
                "latency_ms": round(ms, 1),
            }
        )
    all_ids = [pk for pks in documents.values() for pk in pks]
    return {
        "count": len(rows),
        "leaks": sum(1 for r in rows if r["leak"]),
        "leaked": [r["id"] for r in rows if r["leak"]],
        # False means the check proved nothing: the secret source is not in the index at all.
        "forbidden_indexed": Passage.objects.filter(document_id__in=all_ids).exists(),
        "items": rows,
    }


def evaluate(
    *,
    asker: Any = None,
    set: str = "all",  # the command's option name
    path: Path | None = None,
) -> dict[str, Any]:
    """Run the question set against the current database and index; returns the scores."""
    if set not in SETS:
        raise CommandError(_("Unknown question set: %(set)s.") % {"set": set})
    data = load_questions(path)
    user = _asker(asker, data.get("asker", ""))
    keys = _Keys()
    result: dict[str, Any] = {"asker": str(user.email), "k": K}
    if set in ("qa", "all"):
        result["qa"] = _qa(user, data.get("qa", []), keys)
    if set in ("permission", "all"):
        result["permission"] = _permission(user, data.get("permission", []), keys)
    return result


def _table(result: dict[str, Any], verbose: bool) -> list[str]:
    lines = [_("Assistant evaluation, asked as %(asker)s:") % {"asker": result["asker"]}]
    qa = result.get("qa")
    if qa is not None:
        head = f"{'':<12} {'n':>4} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {_('fact'):>6}"
        lines += ["", head]
        groups = [*qa["by_variant"].items(), (_("all"), qa)]
        for name, s in groups:
            lines.append(
                f"{name:<12} {s['count']:>4} {s['hit_at_1']:>6.3f} {s['hit_at_5']:>6.3f} "
                f"{s['mrr']:>6.3f} {s['fact_share']:>6.3f}"
            )
        lines.append(
            _("Latency (retrieval and answer): p50 %(p50).0f ms, p95 %(p95).0f ms")
            % qa["latency_ms"]
        )
        if qa["misses"]:
            lines.append(
                _("Not in the top %(k)d: %(ids)s") % {"k": K, "ids": ", ".join(qa["misses"])}
            )
        if verbose:
            lines.append("")
            for row in qa["items"]:
                mark = "+" if row["rank"] and row["rank"] <= K else "-"
                fact = _("fact") if row["fact_found"] else _("no fact")
                lines.append(
                    f"{mark} {row['id']:<24} rank {row['rank'] or '-':<2} {fact:<8} "
                    f"{row['question']}"
                )
                if mark == "-" or not row["fact_found"]:
                    lines.append(f"    {_('sources')}: {' | '.join(row['top'])}")
                    lines.append(f"    {_('answer')}: {row['answer'][:200]}")
    permission = result.get("permission")
    if permission is not None:
        lines += [
            "",
            _("Permission set: %(n)d questions, %(leaks)d leaks")
            % {"n": permission["count"], "leaks": permission["leaks"]},
        ]
        if not permission["forbidden_indexed"]:
            lines.append(
                _("Warning: the secret document is not indexed, so this check proves nothing.")
            )
        for row in permission["items"]:
            if row["leak"] or verbose:
                mark = "LEAK" if row["leak"] else "ok"
                lines.append(f"{mark:<4} {row['id']:<10} {row['question']}")
                if row["leak"]:
                    lines.append(
                        f"     {_('passages')}: {row['leaked_passages']} "
                        f"{_('facts')}: {row['leaked_facts']}"
                    )
    return lines


def main(
    stdout: Any,
    *,
    asker: Any = None,
    set: str = "all",  # the command's option name
    verbose: bool = False,
    json: bool = False,
) -> dict[str, Any]:
    """Print the scores (a table, or JSON) and return them; fails when anything leaked."""
    result = evaluate(asker=asker, set=set)
    if json:
        stdout.write(jsonlib.dumps(result, ensure_ascii=False, indent=1) + "\n")
    else:
        stdout.write("\n".join(_table(result, verbose)) + "\n")
    leaks = result.get("permission", {}).get("leaks", 0)
    if leaks:
        raise CommandError(
            _("%(n)d answers leaked what the asker may not read.") % {"n": leaks}, returncode=1
        )
    return result
