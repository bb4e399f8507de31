"""OCR accuracy, field extraction accuracy and throughput on the rendered test set.

    .venv/bin/python bench/digitize/make_set.py --n 20          # once: var/bench/digitize/
    OMP_THREAD_LIMIT=1 .venv/bin/python bench/digitize/run.py   # ~6 min on 2 busy cores
    .venv/bin/python bench/digitize/run.py --conditions 200n --engine ocrmypdf --opt oversample=300

Each image goes through the product's OCR step (`vcnet.digitize.ocrchild.process`: img2pdf,
OCRmyPDF with Tesseract `vie`, deskew, rotate, PDF/A, then pdftotext), one page at a time in
this one process (jobs=1), or with `--engine ocrmypdf` through OCRmyPDF directly with the same
base options plus `--opt key=value` overrides (to try options: oversample, psm...).

Measures per condition (300 / 300n / 200 / 200n dpi, n = scan noise):
- character accuracy = 1 - Levenshtein(OCR, truth) / len(truth), NFC, whitespace collapsed.
  "raw" compares in the order pdftotext gives; "aligned" first puts each OCR line where its best
  matching truth line is, since pdftotext interleaves the two header columns line by line
  (a reading-order difference, not a recognition error);
- field accuracy of `fields_extract` against the generated fields (exact after folding case and
  diacritics only for the issuer, the rest exact on NFC text with whitespace collapsed);
- pages per minute of the OCR step (wall time, this process).

Writes bench/results/digitize.md (table + machine note) and bench/results/digitize.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from vcnet.core.text import fold  # noqa: E402
from vcnet.digitize.extract import fields_extract  # noqa: E402

try:
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import ratio as _ratio

    def distance(a: str, b: str) -> int:
        return int(Levenshtein.distance(a, b))

    def similarity(a: str, b: str) -> float:
        return float(_ratio(a, b))

except ImportError:  # the dev extra is not installed: same numbers, slower
    from difflib import SequenceMatcher

    def distance(a: str, b: str) -> int:
        previous = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            current = [i]
            for j, cb in enumerate(b, 1):
                current.append(
                    min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
                )
            previous = current
        return previous[-1]

    def similarity(a: str, b: str) -> float:
        return 100.0 * SequenceMatcher(None, a, b).ratio()


CONDITIONS = ["300", "300n", "200", "200n"]
KEY_FIELDS = ["number_notation", "issued_date", "organ_name"]
OTHER_FIELDS = [
    "place",
    "doc_type",
    "subject",
    "signer_position",
    "signer_name",
    "recipients",
    "urgency",
    "confidentiality",
    "parent_organ",
]
TARGETS = {"300": 0.99, "200n": 0.97}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def char_accuracy(ocr: str, truth_lines: list[str]) -> tuple[float, float]:
    """(raw, aligned) character accuracy of the OCR text against the truth lines."""
    truth = norm(" ".join(truth_lines))
    raw = 1 - distance(norm(ocr), truth) / max(len(truth), 1)
    ocr_lines = [norm(line) for line in ocr.splitlines() if line.strip()]
    truth_norm = [norm(line) for line in truth_lines]
    placed = []
    for order, line in enumerate(ocr_lines):
        best = max(range(len(truth_norm)), key=lambda i: similarity(line, truth_norm[i]))
        placed.append((best, order, line))
    aligned_text = " ".join(line for _, _, line in sorted(placed))
    aligned = 1 - distance(aligned_text, truth) / max(len(truth), 1)
    return raw, aligned


def _same(a: str, b: str) -> bool:
    return norm(a).strip(" .;,") == norm(b).strip(" .;,")


def field_scores(found: dict[str, Any], expected: dict[str, Any]) -> dict[str, bool]:
    def value(name: str) -> str:
        return str((found.get(name) or {}).get("value") or "")

    recipients = [item["value"] for item in found.get("recipients") or []]
    return {
        "number_notation": value("code_number") == expected["code_number"]
        and value("code_notation") == expected["code_notation"],
        "issued_date": value("issued_date") == expected["issued_date"],
        "organ_name": fold(value("organ_name")) == fold(expected["organ_name"]),
        "parent_organ": fold(value("parent_organ")) == fold(expected["parent_organ"]),
        "place": _same(value("place"), expected["place"]),
        "doc_type": _same(value("doc_type"), expected["doc_type"]),
        "subject": _same(value("subject"), expected["subject"]),
        "signer_position": _same(value("signer_position"), expected["signer_position"]),
        "signer_name": _same(value("signer_name"), expected["signer_name"]),
        "recipients": [norm(r) for r in recipients] == [norm(r) for r in expected["recipients"]],
        "urgency": value("urgency") == expected["urgency"],
        "confidentiality": value("confidentiality") == expected["confidentiality"],
    }


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (tesseract, gs...)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def ocr_product(image: Path, workdir: Path) -> str:
    """The product's OCR step, as the job runs it (without the child process around it)."""
    from vcnet.digitize import ocrchild

    content_type = "image/png" if image.suffix == ".png" else "image/jpeg"
    config = {
        "input": str(image),
        "workdir": str(workdir),
        "content_type": content_type,
        "language": "vie",
        "jobs": 1,
    }
    result = ocrchild.process(config, ocrchild.Reporter(io.StringIO()))
    return Path(result["text"]).read_text(encoding="utf-8")


def ocr_direct(image: Path, workdir: Path, options: dict[str, Any]) -> str:
    """OCRmyPDF directly, the product's base options overridden by `options`."""
    import img2pdf
    import ocrmypdf

    from vcnet.digitize.ocrchild import pdf_text

    pdf = workdir / "in.pdf"
    pdf.write_bytes(img2pdf.convert(str(image)))
    out = workdir / "out.pdf"
    base: dict[str, Any] = {
        "language": ["vie"],
        "deskew": True,
        "rotate_pages": True,
        "progress_bar": False,
        "jobs": 1,
        "output_type": "pdfa",
    }
    base.update(options)
    ocrmypdf.ocr(pdf, out, **base)
    return pdf_text(out)


def parse_opt(items: list[str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in items:
        key, _, raw = item.partition("=")
        value: Any = raw
        if raw.lower() in {"true", "false"}:
            value = raw.lower() == "true"
        elif raw.isdigit():
            value = int(raw)
        options[key.strip()] = value
    return options


def run(args: argparse.Namespace) -> dict[str, Any]:
    options = parse_opt(args.opt)
    results: dict[str, Any] = {"conditions": {}, "options": options, "engine": args.engine}
    for cond in args.conditions:
        folder = args.set / cond
        truths = sorted(folder.glob("*.json"))[: args.limit or None]
        if not truths:
            sys.exit(f"no test set in {folder}: run bench/digitize/make_set.py first")
        rows = []
        ocr_seconds = 0.0
        ocr_cpu = 0.0
        for truth_path in truths:
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            image = next(p for p in folder.glob(truth_path.stem + ".*") if p.suffix != ".json")
            workdir = Path(tempfile.mkdtemp(prefix="dz-"))
            try:
                started, cpu = time.perf_counter(), cpu_seconds()
                if args.texts:
                    text = (args.texts / cond / f"{truth['key']}.txt").read_text(encoding="utf-8")
                elif args.engine == "product":
                    text = ocr_product(image, workdir)
                else:
                    text = ocr_direct(image, workdir, options)
                ocr_seconds += time.perf_counter() - started
                ocr_cpu += cpu_seconds() - cpu
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            raw, aligned = char_accuracy(text, truth["lines"])
            started = time.perf_counter()
            found = fields_extract(text).as_dict()
            extract_ms = (time.perf_counter() - started) * 1000
            scores = field_scores(found, truth["fields"])
            rows.append(
                {
                    "key": truth["key"],
                    "party": truth["party"],
                    "raw": raw,
                    "aligned": aligned,
                    "fields": scores,
                    "extract_ms": extract_ms,
                    "misses": {
                        k: {
                            "found": _shown(found, k),
                            "expected": truth["fields"].get(
                                k if k != "number_notation" else "code_notation"
                            ),
                        }
                        for k, ok in scores.items()
                        if not ok
                    },
                }
            )
            if args.dump:
                (args.dump / cond).mkdir(parents=True, exist_ok=True)
                (args.dump / cond / f"{truth['key']}.txt").write_text(text, encoding="utf-8")
            print(
                f"{cond} {truth['key']} raw={raw:.4f} aligned={aligned:.4f} "
                f"fields={sum(scores.values())}/{len(scores)}",
                flush=True,
            )
        n = len(rows)
        summary = {
            "pages": n,
            "ocr_seconds": ocr_seconds,
            "pages_per_minute": 60 * n / ocr_seconds if ocr_seconds else 0.0,
            "ocr_cpu_seconds": ocr_cpu,
            "cpu_seconds_per_page": ocr_cpu / n,
            "char_raw": sum(r["raw"] for r in rows) / n,
            "char_aligned": sum(r["aligned"] for r in rows) / n,
            "char_aligned_min": min(r["aligned"] for r in rows),
            "fields": {k: sum(r["fields"][k] for r in rows) / n for k in KEY_FIELDS + OTHER_FIELDS},
            "extract_ms": sum(r["extract_ms"] for r in rows) / n,
            "rows": rows,
        }
        results["conditions"][cond] = summary
    return results


def _shown(found: dict[str, Any], key: str) -> Any:
    if key == "number_notation":
        return f"{found['code_number']['value']} / {found['code_notation']['value']}"
    item = found.get(key)
    if isinstance(item, list):
        return [part["value"] for part in item]
    return (item or {}).get("value")


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    conds = results["conditions"]
    head = (
        "| | "
        + " | ".join(f"{c} dpi" if c.isdigit() else f"{c[:-1]} dpi noisy" for c in conds)
        + " |"
    )
    lines = [head, "|---" * (len(conds) + 1) + "|"]

    def row(label: str, fn: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(fn(s) for s in conds.values()) + " |")

    row("pages", lambda s: str(s["pages"]))
    row("characters, aligned (mean)", lambda s: f"{s['char_aligned']:.2%}")
    row("characters, aligned (worst page)", lambda s: f"{s['char_aligned_min']:.2%}")
    row("characters, raw pdftotext order", lambda s: f"{s['char_raw']:.2%}")
    for key in KEY_FIELDS + OTHER_FIELDS:
        row(f"field: {key}", lambda s, k=key: f"{s['fields'][k]:.0%}")
    row("OCR pages per minute (wall, shared machine)", lambda s: f"{s['pages_per_minute']:.1f}")
    row("OCR CPU seconds per page", lambda s: f"{s['cpu_seconds_per_page']:.1f}")
    row("extraction ms per page", lambda s: f"{s['extract_ms']:.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "var" / "bench" / "digitize")
    parser.add_argument("--conditions", nargs="*", default=CONDITIONS)
    parser.add_argument("--limit", type=int, default=0, help="documents per condition (0: all)")
    parser.add_argument("--engine", choices=["product", "ocrmypdf"], default="product")
    parser.add_argument("--opt", action="append", default=[], help="OCRmyPDF option key=value")
    parser.add_argument("--misses", action="store_true", help="print every field miss")
    parser.add_argument("--texts", type=Path, help="score the OCR texts kept by --dump, no OCR")
    parser.add_argument("--dump", type=Path, help="keep the OCR texts in this folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "digitize.json")
    args = parser.parse_args()
    started = time.perf_counter()
    results = run(args)
    results["machine"] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
        "wall_seconds": time.perf_counter() - started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(results, args))
    for cond, summary in results["conditions"].items():
        for r in summary["rows"]:
            for field, miss in r["misses"].items():
                if field in KEY_FIELDS or args.misses:
                    print(f"  miss {cond} {r['key']} {field}: {miss}")


if __name__ == "__main__":
    main()
