"""Per-field extraction accuracy over the annotated corpus (tests/fixtures/corpus), per split, plus the misses.

Run: ``python bench/accuracy.py [--split dev|validation|all] [--corpus DIR] [--all-fields] [--quiet]``

The corpus is split by SPLIT.tsv into a development half (tune on it; its misses are listed) and a
validation half (measure only: its misses are listed only with ``--show-validation-misses``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tests.corpus_support as support  # noqa: E402
from tests.corpus_support import SPLITS, documents, extract_record, field, load_expected  # noqa: E402

HEADLINE_FIELDS = ("title", "notice_type", "procurement_method", "project_code", "buyer.name", "budget",
                   "tender_deadline", "region.province", "categories")
OTHER_FIELDS = ("max_price", "opening_time", "published_at", "agency.name", "region.city", "award", "lots",
                "original_project_code", "buyer", "agency")

Scores = dict[str, tuple[int, int]]


def measure(corpus: Path, fields: tuple[str, ...], split: str | None = None) -> tuple[Scores, list[str]]:
    """Per-field (hits, total) over the corpus (or one split of it) and a description of every miss."""
    scores = {name: (0, 0) for name in fields}
    misses: list[str] = []
    for document, expected_path in documents(corpus, split):
        expected = load_expected(expected_path)
        actual = extract_record(document, expected)
        for name in fields:
            if name.split(".")[0] not in expected:
                continue  # the annotator left the field out: the text does not settle it
            want, got = field(expected, name), field(actual, name)
            hits, total = scores[name]
            if support.matches(want, got):
                scores[name] = (hits + 1, total + 1)
            else:
                scores[name] = (hits, total + 1)
                misses.append(f"{document.name}: {name}: expected {json.dumps(want, ensure_ascii=False)}"
                              f" got {json.dumps(got, ensure_ascii=False)}")
    return scores, misses


def mean_accuracy(scores: Scores) -> float | None:
    """The unweighted mean of the per-field accuracies (fields nothing annotates are left out)."""
    shares = [hits / total for hits, total in scores.values() if total]
    return sum(shares) / len(shares) if shares else None


def _share(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "-"


def print_table(columns: dict[str, Scores], counts: dict[str, int]) -> None:
    """One row per field, one ``right/total accuracy`` column per split, and the mean per field."""
    names = list(columns)
    print(f"{'field':<22}" + "".join(f" {f'{name} ({counts[name]} docs)':>24}" for name in names))
    print("-" * (22 + 25 * len(names)))
    fields = list(next(iter(columns.values())))
    for name in fields:
        cells = []
        for scores in columns.values():
            hits, total = scores[name]
            cells.append(f"{hits:>4}/{total:<4} {_share(hits, total):>6}" if total else "-")
        print(f"{name:<22}" + "".join(f" {cell:>24}" for cell in cells))
    print("-" * (22 + 25 * len(names)))
    means = [mean_accuracy(scores) for scores in columns.values()]
    print(f"{'mean per field':<22}" + "".join(f" {f'{m:.3f}' if m is not None else '-':>24}" for m in means))


def main(argv: list[str] | None = None) -> int:
    """Print the accuracy table per split and the development misses."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=support.CORPUS)
    parser.add_argument("--split", choices=(*SPLITS, "all"), default=None,
                        help="score one split (or 'all' = the whole corpus); default: dev, validation and all")
    parser.add_argument("--all-fields", action="store_true", help="also score contacts, lots, award, times")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    parser.add_argument("--show-validation-misses", action="store_true",
                        help="also list validation misses (the validation half is for measuring, not tuning)")
    args = parser.parse_args(argv)
    fields = HEADLINE_FIELDS + (OTHER_FIELDS if args.all_fields else ())
    if not documents(args.corpus):
        print(f"no annotated documents in {args.corpus}")
        return 1
    manifest = support.load_split(args.corpus)
    unassigned = [support.stem(e) for _, e in documents(args.corpus) if support.stem(e) not in manifest]
    if unassigned:
        print(f"warning: {len(unassigned)} documents are not in SPLIT.tsv (run bench/split_corpus.py): "
              + ", ".join(unassigned[:5]), file=sys.stderr)
    wanted = [args.split] if args.split else [*SPLITS, "all"]
    columns: dict[str, Scores] = {}
    counts: dict[str, int] = {}
    all_misses: dict[str, list[str]] = {}
    for name in wanted:
        split = None if name == "all" else name
        columns[name], all_misses[name] = measure(args.corpus, fields, split)
        counts[name] = len(documents(args.corpus, split))
    print(f"corpus: {args.corpus}\n")
    print_table(columns, counts)
    if not args.quiet:
        for name, misses in all_misses.items():
            if name == "all":
                continue  # listed per split: --split dev (the validation half is not for tuning)
            if name == "validation" and not args.show_validation_misses:
                print(f"\nvalidation misses: {len(misses)} (not listed: --show-validation-misses)")
                continue
            print(f"\n{name} misses ({len(misses)}):")
            for line in misses:
                print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
