"""Fuzz the extractor with a few thousand generated bad inputs (issue 15) and print the counts.

Run from the repository root:

    PYTHONPATH=$PWD python bench/fuzz_extract.py --seed 15 --count 3000

The shapes (deep JSON and HTML, field soups of huge, negative and scientific amounts and
out-of-range or impossible dates, random bytes in a dozen encodings, mangled and oversized corpus
pages) live in ``tests/extract/bad_input.py``, shared with the property tests. Exit status 1 when
any count is not zero: exceptions other than ParseError, pages over the CPU-time bound, values
out of range.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tenderbot.extract import extract_notice
from tests.extract.bad_input import TIME_BOUND, inputs, run_one


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz loop; print per-shape and total counts; 0 when all three counts are zero."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--show", type=int, default=5, help="examples of each failure kind to print")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # "read in part only" lines are expected by the thousand
    extract_notice("预热")  # load the taxonomy and OpenCC once, outside any page's time
    per_shape: Counter[str] = Counter()
    errors: list[str] = []
    slow: list[str] = []
    ranges: list[str] = []
    worst = 0.0
    started = time.perf_counter()
    for index, (shape, content) in enumerate(inputs(args.seed, args.count)):
        outcome = run_one(content)
        per_shape[shape] += 1
        worst = max(worst, outcome.seconds)
        label = f"#{index} {shape} ({len(content):,} {'bytes' if isinstance(content, bytes) else 'chars'})"
        if outcome.error is not None:
            errors.append(f"{label}: {type(outcome.error).__name__}: {str(outcome.error)[:120]}")
        if outcome.seconds > TIME_BOUND:
            slow.append(f"{label}: {outcome.seconds:.2f} s CPU")
        if outcome.problems:
            ranges.append(f"{label}: {', '.join(outcome.problems)}")
    print(f"seed {args.seed}: {sum(per_shape.values())} inputs in {time.perf_counter() - started:.0f} s "
          f"({', '.join(f'{name} {count}' for name, count in per_shape.items())})")
    print(f"worst page: {worst:.3f} s CPU (bound {TIME_BOUND} s)")
    for title, found in (("exceptions", errors), ("pages over the time bound", slow), ("values out of range", ranges)):
        print(f"{title}: {len(found)}")
        for line in found[: args.show]:
            print(f"  {line}")
    return 1 if errors or slow or ranges else 0


if __name__ == "__main__":
    sys.exit(main())
