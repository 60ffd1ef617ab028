"""Parse speed on one core over the annotated corpus, and selectolax vs BeautifulSoup(lxml) body-to-text.

Run: ``python bench/bench_parse.py [--corpus DIR] [--seconds 3] [--pin CPU]``

Rows:
  extract_notice          the whole engine (decode, body-to-text, normalise, fields, classify) per document
  body-to-text selectolax  tenderbot.extract.html.node_text on the announcement body (HTML documents)
  body-to-text bs4+lxml    the same rules written for BeautifulSoup with the lxml parser
Each row repeats over the documents until at least ``--seconds`` have passed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bs4 import BeautifulSoup  # noqa: E402
from bs4.element import NavigableString, Tag  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from tenderbot.extract import extract_notice  # noqa: E402
from tenderbot.extract.detect import decode_bytes  # noqa: E402
from tenderbot.extract.html import (  # noqa: E402
    _BLOCK,
    _BODY_SELECTORS,
    _BREAK,
    _HIDDEN,
    _SKIP,
    _WS,
    _find_body,
    node_text,
)

DEFAULT_CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def selectolax_body_text(html: str) -> str:
    """The engine's body-to-text step: lexbor parse, drop hidden parts, find the body, walk it."""
    tree = LexborHTMLParser(html)
    for hidden in tree.css(_HIDDEN):
        hidden.decompose()
    body = _find_body(tree)
    return node_text(body) if body is not None else ""


def _bs4_render(node: Tag, out: list[str]) -> None:
    """The same walk as html._render, over BeautifulSoup nodes."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a Comment / Doctype / CData
                out.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in _SKIP:
            continue
        if name == "tr":
            cells = []
            for cell in child.find_all(["td", "th"], recursive=False):
                buf: list[str] = []
                _bs4_render(cell, buf)
                cells.append(_WS.sub(" ", "".join(buf).replace(_BREAK, " ")).strip())
            while cells and not cells[-1]:
                cells.pop()
            out.extend((_BREAK, " | ".join(cells), _BREAK))
        elif name in _BLOCK:
            out.append(_BREAK)
            _bs4_render(child, out)
            out.append(_BREAK)
        else:
            _bs4_render(child, out)


def bs4_body_text(html: str) -> str:
    """The same body-to-text step with BeautifulSoup(lxml)."""
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup.select(_HIDDEN):
        hidden.decompose()
    body = None
    for selector in _BODY_SELECTORS:
        body = soup.select_one(selector)
        if body is not None:
            break
    body = body or soup.body or soup
    out: list[str] = []
    _bs4_render(body, out)
    return _WS.sub(" ", "".join(out)).replace(_BREAK, "\n")


def _documents(corpus: Path) -> list[Path]:
    """Corpus documents (not the expected records)."""
    return sorted(path for path in corpus.iterdir()
                  if path.suffix in {".html", ".htm", ".txt", ".json"} and not path.name.endswith(".expected.json"))


def _rate(items: list[Any], run: Callable[[Any], object], seconds: float) -> tuple[float, float, int]:
    """Documents per CPU second and per wall second of ``run`` over ``items``, for at least ``seconds``.

    CPU time (``process_time``) is what one core does for us, whatever else the machine runs;
    wall time is shown beside it.
    """
    for item in items[:3]:
        run(item)  # warm-up: taxonomy load, regex compilation
    done = 0
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    while True:
        for item in items:
            run(item)
        done += len(items)
        cpu = time.process_time() - cpu_start
        if cpu >= seconds:
            return done / cpu, done / (time.perf_counter() - wall_start), done


def _pin_one_core(cpu: int | None) -> str:
    """Pin the process to one CPU when asked (the work is single-threaded either way)."""
    if cpu is None:
        return "single thread, not pinned"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "single thread (this OS cannot pin)"


def main(argv: list[str] | None = None) -> int:
    """Print the speed table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pin", type=int, default=None, metavar="CPU", help="pin to this CPU (Linux)")
    args = parser.parse_args(argv)
    paths = _documents(args.corpus)
    if not paths:
        print(f"no documents in {args.corpus}")
        return 1
    raw = [path.read_bytes() for path in paths]
    html = [decode_bytes(data) for path, data in zip(paths, raw, strict=True) if path.suffix in {".html", ".htm"}]
    pinning = _pin_one_core(args.pin)
    total_kb = sum(len(data) for data in raw) / 1024
    print(f"corpus: {args.corpus}: {len(raw)} documents ({len(html)} HTML), {total_kb:.0f} KB; {pinning}\n")
    rows: list[tuple[str, list[Any], Callable[[Any], object]]] = [
        ("extract_notice (all documents)", raw, extract_notice),
        ("body-to-text selectolax (HTML)", html, selectolax_body_text),
        ("body-to-text bs4+lxml (HTML)", html, bs4_body_text),
    ]
    rates: dict[str, float] = {}
    print(f"{'step':<34} {'docs':>7} {'docs/cpu-s':>11} {'ms/doc':>8} {'docs/wall-s':>12}")
    print("-" * 76)
    for label, items, run in rows:
        rate, wall, done = _rate(items, run, args.seconds)
        rates[label] = rate
        print(f"{label:<34} {done:>7} {rate:>11.1f} {1000 / rate:>8.2f} {wall:>12.1f}")
    ratio = rates["body-to-text selectolax (HTML)"] / rates["body-to-text bs4+lxml (HTML)"]
    full = rates["extract_notice (all documents)"]
    print("-" * 76)
    print(f"selectolax vs bs4+lxml body-to-text: {ratio:.1f}x faster (target >= 5x)")
    print(f"extract_notice: {full:.0f} pages/s on one core (target >= 200)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
