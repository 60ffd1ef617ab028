"""The annotated corpus (tests/fixtures/corpus): per-split, per-field accuracy floors and exact documents.

SPLIT.tsv puts every document in the development or the validation half; each half has its own floors
(the validation half is measured, never tuned on).

Each document ``NAME.html|.txt|.json`` has ``NAME.expected.json`` in the ``notice_to_dict`` schema.
``category_terms`` is not compared: the annotators leave it empty (it names our taxonomy's terms).
Documents listed in ``MUST_PASS.txt`` must match their expected record exactly (all other keys).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.corpus_support import (
    CORPUS,
    SPLITS,
    documents,
    extract_record,
    extraction_errors,
    load_expected,
    load_split,
    matches,
    stem,
)
from tests.corpus_support import field as get_field

NOT_COMPARED = frozenset({"category_terms"})
# Floors per split, set a few points below what bench/accuracy.py measured on the 238-document corpus with the
# issue-11 extractor of 2026-12-08 (mean per field: dev 0.95, validation 0.94; before it 0.863 and 0.875), so a
# regression fails. Raise them as the extractor improves; never lower one to make a change pass.
# 2026-12-08, corpus 275: 37 more full-text notices (a second collection round, not seen while tuning) measure
# dev title 0.753 and validation buyer 0.842; those two floors sit just under that, the others still hold.
THRESHOLDS: dict[str, dict[str, float]] = {
    "dev": {
        "title": 0.73,
        "notice_type": 0.95,
        "procurement_method": 0.91,
        "project_code": 0.90,
        "buyer.name": 0.87,
        "budget": 0.96,
        "tender_deadline": 0.96,
        "region.province": 0.93,
        "categories": 0.92,
    },
    "validation": {
        "title": 0.74,
        "notice_type": 0.85,
        "procurement_method": 0.89,
        "project_code": 0.94,
        "buyer.name": 0.82,
        "budget": 0.93,
        "tender_deadline": 0.95,
        "region.province": 0.93,
        "categories": 0.92,
    },
}
FLOORS = [(split, name) for split in SPLITS for name in sorted(THRESHOLDS[split])]


PAIRS = documents()
pytestmark = pytest.mark.skipif(not PAIRS, reason="tests/fixtures/corpus holds no annotated documents yet")


Result = tuple[str, dict[str, Any], dict[str, Any]]


@pytest.fixture(scope="module")
def results() -> dict[str, list[Result]]:
    """(name, expected, actual) for every corpus document, by split (SPLIT.tsv)."""
    manifest = load_split()
    out: dict[str, list[Result]] = {split: [] for split in SPLITS}
    for document, expected_path in PAIRS:
        expected = load_expected(expected_path)
        with extraction_errors() as errors:
            actual = extract_record(document, expected)
        if errors:  # a step that crashed is logged and skipped by the engine; here it is a failure
            actual = {**actual, "error": "; ".join(r.getMessage() for r in errors)}
        out.setdefault(manifest.get(stem(expected_path), "unassigned"), []).append((document.name, expected, actual))
    return out


def test_every_document_is_in_one_split() -> None:
    manifest = load_split()
    names = {stem(expected) for _, expected in PAIRS}
    assert not names - set(manifest), f"not in SPLIT.tsv (run bench/split_corpus.py): {sorted(names - set(manifest))}"
    assert not set(manifest) - names, f"SPLIT.tsv names no corpus document: {sorted(set(manifest) - names)}"
    sizes = [sum(1 for part in manifest.values() if part == split) for split in SPLITS]
    assert min(sizes) >= 0.4 * sum(sizes), f"unbalanced split {dict(zip(SPLITS, sizes, strict=True))}"


@pytest.mark.parametrize(("split", "field"), FLOORS)
def test_field_accuracy_floor(results: dict[str, list[Result]], split: str, field: str) -> None:
    scored = [(name, get_field(want, field), get_field(got, field)) for name, want, got in results[split]
              if field.split(".")[0] in want]
    assert scored, f"no {split} document annotates {field}"
    wrong = [(name, want, got) for name, want, got in scored if not matches(want, got)]
    accuracy = 1 - len(wrong) / len(scored)
    floor = THRESHOLDS[split][field]
    # The validation half is for measuring: its misses are not printed (bench/accuracy.py --show-validation-misses).
    detail = "\n".join(f"{name}: expected {want!r} got {got!r}" for name, want, got in wrong) if split == "dev" else ""
    assert accuracy >= floor, f"{split} {field} accuracy {accuracy:.3f} < {floor}\n{detail}"


def _must_pass() -> list[str]:
    """Document names listed in MUST_PASS.txt (comments and blank lines ignored)."""
    path = CORPUS / "MUST_PASS.txt"
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


@pytest.mark.parametrize("name", _must_pass())
def test_must_pass_documents_match_exactly(name: str) -> None:
    document = CORPUS / name
    assert document.exists(), f"MUST_PASS.txt lists {name}, which is not in the corpus"
    stem = name.rsplit(".", 1)[0]
    expected = load_expected(CORPUS / f"{stem}.expected.json")
    actual = extract_record(document, expected)
    differences = {key: (want, actual.get(key)) for key, want in expected.items()
                   if key not in NOT_COMPARED and actual.get(key) != want}
    assert not differences, json.dumps(differences, ensure_ascii=False, indent=1)


def test_every_document_extracts_without_error(results: dict[str, list[Result]]) -> None:
    failed = [name for split in results.values() for name, _, got in split if "error" in got]
    assert not failed
