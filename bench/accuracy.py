"""Per-field extraction accuracy over the annotated corpus (tests/fixtures/corpus), plus every miss.

Run: ``python bench/accuracy.py [--corpus DIR] [--all-fields] [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import CORPUS as DEFAULT_CORPUS  # noqa: E402
from tests.corpus_support import documents, extract_record, field, load_expected  # noqa: E402

HEADLINE_FIELDS = ("title", "notice_type", "procurement_method", "project_code", "buyer.name", "budget",
                   "tender_deadline", "region.province", "categories")
OTHER_FIELDS = ("max_price", "opening_time", "published_at", "agency.name", "region.city", "award", "lots",
                "original_project_code", "buyer", "agency")


def measure(corpus: Path, fields: tuple[str, ...]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Per-field (hits, total) over the corpus and a description of every miss."""
    scores = {name: (0, 0) for name in fields}
    misses: list[str] = []
    for document, expected_path in documents(corpus):
        expected = load_expected(expected_path)
        actual = extract_record(document, expected)
        for name in fields:
            if name.split(".")[0] not in expected:
                continue
            want, got = field(expected, name), field(actual, name)
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
