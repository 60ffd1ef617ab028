"""Assign every corpus document to the development or the validation half (tests/fixtures/corpus/SPLIT.tsv).

Run: ``python bench/split_corpus.py [--corpus DIR] [--check]``

Rule: documents are grouped into strata by (notice type, source family = the name's first ``-`` part).
Inside a stratum, documents not yet in the manifest are taken in the order of the SHA-256 of their name
and each goes to the half that holds fewer of that stratum; a tie goes to the half that is smaller
overall, and then to validation when the hash is odd. Rows already in the manifest never move, so
adding documents cannot leak validation ones into development. Nothing about how hard a document is enters the rule.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_support import CORPUS as DEFAULT_CORPUS  # noqa: E402
from tests.corpus_support import SPLIT_FILE, SPLITS, documents, load_split, stem  # noqa: E402

HEADER = ("# Corpus split (bench/split_corpus.py): NAME<TAB>dev|validation. dev = tune on it; validation =\n"
          "# measure only (never read its misses to write a rule). Rows never move once written.\n")


def family(name: str) -> str:
    """The source family of a corpus name: its first ``-`` separated part (ccgp, zcy, hospital, medtext…)."""
    return name.split("-", 1)[0]


def name_hash(name: str) -> int:
    """A stable integer hash of a name (SHA-256)."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16)


def assign(strata: dict[str, tuple[str, str]], existing: dict[str, str]) -> dict[str, str]:
    """name -> split for every name in ``strata`` (name -> (type, family)), keeping ``existing`` rows."""
    result = {name: part for name, part in existing.items() if name in strata}
    held: Counter[tuple[tuple[str, str], str]] = Counter((strata[name], part) for name, part in result.items())
    totals: Counter[str] = Counter(result.values())
    for name in sorted((n for n in strata if n not in result), key=lambda n: (strata[n], name_hash(n))):
        key = strata[name]
        dev, validation = held[(key, "dev")], held[(key, "validation")]
        total_dev, total_validation = totals["dev"], totals["validation"]
        if dev != validation:
            part = "dev" if dev < validation else "validation"
        elif total_dev != total_validation:  # a tie inside the stratum keeps the two halves the same size
            part = "dev" if total_dev < total_validation else "validation"
        else:
            part = "validation" if name_hash(name) % 2 else "dev"
        result[name] = part
        held[(key, part)] += 1
        totals[part] += 1
    return result


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the manifest."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="fail when a document is missing from the manifest")
    args = parser.parse_args(argv)
    strata = {}
    for _, expected in documents(args.corpus):
        notice_type = json.loads(expected.read_text(encoding="utf-8")).get("notice_type") or "unknown"
        strata[stem(expected)] = (notice_type, family(stem(expected)))
    existing = load_split(args.corpus)
    result = assign(strata, existing)
    if args.check:
        missing = sorted(set(result) - set(existing))
        stale = sorted(set(existing) - set(result))
        for name in missing:
            print(f"not in {SPLIT_FILE}: {name}")
        for name in stale:
            print(f"in {SPLIT_FILE} but not in the corpus: {name}")
        return 1 if missing or stale else 0
    lines = [f"{name}\t{result[name]}" for name in sorted(result)]
    (args.corpus / SPLIT_FILE).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    counts = Counter(result.values())
    print(" ".join(f"{part}={counts[part]}" for part in SPLITS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
