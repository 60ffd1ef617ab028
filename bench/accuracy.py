"""Per-field extraction accuracy over the annotated corpus (tests/fixtures/corpus), plus every miss.

Run: ``python bench/accuracy.py [--corpus DIR] [--all-fields] [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tenderbot.errors import ParseError  # noqa: E402
from tenderbot.extract import extract_notice, notice_to_dict  # noqa: E402

DEFAULT_CORPUS = ROOT / "tests" / "fixtures" / "corpus"
EXTENSIONS = (".html", ".htm", ".txt", ".json")


def _get(path: str) -> Callable[[dict[str, Any]], Any]:
    """A getter for a dotted path (``buyer.name``) that tolerates nulls."""

    def getter(record: dict[str, Any]) -> Any:
        value: Any = record
        for part in path.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        if path == "categories" and isinstance(value, list):
            return sorted(value)
        return value

    return getter


HEADLINE_FIELDS = ("title", "notice_type", "procurement_method", "project_code", "buyer.name", "budget",
                   "tender_deadline", "region.province", "categories")
OTHER_FIELDS = ("max_price", "opening_time", "published_at", "agency.name", "region.city", "award", "lots",
                "original_project_code", "buyer", "agency")


def documents(corpus: Path) -> list[tuple[Path, Path]]:
    """(document, expected) pairs of the corpus folder, sorted by name."""
    pairs = []
    for expected in sorted(corpus.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        for extension in EXTENSIONS:
            candidate = corpus / f"{stem}{extension}"
            if candidate.exists():
                pairs.append((candidate, expected))
                break
    return pairs


def load_expected(path: Path) -> dict[str, Any]:
    """The expected record without annotation notes (keys starting with '_')."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def extract(document: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """The engine's output for one corpus document (url from the expected record when given)."""
    try:
        notice = extract_notice(document.read_bytes(), url=str(expected.get("url") or ""))
    except ParseError as exc:
        return {"error": str(exc)}
    return notice_to_dict(notice)


def measure(corpus: Path, fields: tuple[str, ...]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Per-field (hits, total) over the corpus and a description of every miss."""
    scores = {name: (0, 0) for name in fields}
    misses: list[str] = []
    for document, expected_path in documents(corpus):
        expected = load_expected(expected_path)
        actual = extract(document, expected)
        for name in fields:
            if name.split(".")[0] not in expected:
                continue
            want, got = _get(name)(expected), _get(name)(actual)
            hits, total = scores[name]
            if want == got:
                scores[name] = (hits + 1, total + 1)
            else:
                scores[name] = (hits, total + 1)
                misses.append(f"{document.name}: {name}: expected {json.dumps(want, ensure_ascii=False)}"
                              f" got {json.dumps(got, ensure_ascii=False)}")
    return scores, misses


def main(argv: list[str] | None = None) -> int:
    """Print the accuracy table and the misses."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--all-fields", action="store_true", help="also score contacts, lots, award, times")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args(argv)
    fields = HEADLINE_FIELDS + (OTHER_FIELDS if args.all_fields else ())
    pairs = documents(args.corpus)
    if not pairs:
        print(f"no annotated documents in {args.corpus}")
        return 1
    scores, misses = measure(args.corpus, fields)
    print(f"corpus: {args.corpus} ({len(pairs)} documents)\n")
    print(f"{'field':<22} {'right':>6} {'total':>6} {'accuracy':>9}")
    print("-" * 46)
    for name, (hits, total) in scores.items():
        share = f"{hits / total:.3f}" if total else "-"
        print(f"{name:<22} {hits:>6} {total:>6} {share:>9}")
    if not args.quiet:
        print(f"\nmisses ({len(misses)}):")
        for line in misses:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
