"""The annotated corpus (tests/fixtures/corpus), shared by its test and by bench/accuracy.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tenderbot.errors import ParseError
from tenderbot.extract import extract_notice, notice_to_dict

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
EXTENSIONS = (".html", ".htm", ".txt", ".json")
SPLIT_FILE = "SPLIT.tsv"
SPLITS = ("dev", "validation")


def stem(expected: Path) -> str:
    """The corpus name of a document: its expected file's name without ``.expected.json``."""
    return expected.name[: -len(".expected.json")]


def load_split(corpus: Path = CORPUS) -> dict[str, str]:
    """name -> ``dev`` | ``validation`` from the corpus manifest SPLIT.tsv (empty when there is none)."""
    path = corpus / SPLIT_FILE
    if not path.exists():
        return {}
    split: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, part = line.partition("\t")
        if part.strip() not in SPLITS:
            raise ValueError(f"{path}:{number}: split must be one of {SPLITS}, got {part.strip()!r}")
        split[name.strip()] = part.strip()
    return split


def documents(corpus: Path = CORPUS, split: str | None = None) -> list[tuple[Path, Path]]:
    """(document, expected) pairs of a corpus folder, sorted by name; only one split's when ``split`` is given."""
    manifest = load_split(corpus) if split else {}
    pairs = []
    for expected in sorted(corpus.glob("*.expected.json")):
        if split and manifest.get(stem(expected)) != split:
            continue
        for extension in EXTENSIONS:
            candidate = corpus / f"{stem(expected)}{extension}"
            if candidate.exists():
                pairs.append((candidate, expected))
                break
    return pairs


def load_expected(path: Path) -> dict[str, Any]:
    """The expected record without annotation notes (keys starting with '_')."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def extract_record(document: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """The engine's record for one document (url from the expected record when given)."""
    try:
        return notice_to_dict(extract_notice(document.read_bytes(), url=str(expected.get("url") or "")))
    except ParseError as exc:
        return {"error": str(exc)}


def field(record: dict[str, Any], path: str) -> Any:
    """A dotted field (``buyer.name``) that tolerates nulls; categories compared as a sorted list."""
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return sorted(value) if path == "categories" and isinstance(value, list) else value


def matches(want: Any, got: Any) -> bool:
    """Whether an extracted value agrees with the expected one.

    An expected object is compared on the keys it has only: an annotator leaves out a sub-field
    (``buyer.phone``) the text does not settle, and a missing key is not a claim that the value is null.
    """
    if isinstance(want, dict):
        return isinstance(got, dict) and all(matches(value, got.get(key)) for key, value in want.items())
    return bool(want == got)


class _Errors(logging.Handler):
    """Collects ERROR records (extraction logs and carries on when a step crashes)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def extraction_errors() -> Iterator[list[logging.LogRecord]]:
    """The ERROR records ``tenderbot.extract`` logs inside the block: a crashed step is a failure for tests."""
    handler = _Errors()
    logger = logging.getLogger("tenderbot.extract")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
