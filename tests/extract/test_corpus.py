"""The annotated corpus (tests/fixtures/corpus): per-field accuracy floors and exact documents.

Each document ``NAME.html|.txt|.json`` has ``NAME.expected.json`` in the ``notice_to_dict`` schema.
``category_terms`` is not compared: the annotators leave it empty (it names our taxonomy's terms).
Documents listed in ``MUST_PASS.txt`` must match their expected record exactly (all other keys).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.corpus_support import CORPUS, documents, extract_record, extraction_errors, load_expected
from tests.corpus_support import field as get_field

NOT_COMPARED = frozenset({"category_terms"})
# Floors set from measured accuracy (bench/accuracy.py) a few points below, so a regression fails.
THRESHOLDS = {
    "title": 0.85,
    "notice_type": 0.95,
    "procurement_method": 0.90,
    "project_code": 0.90,
    "buyer.name": 0.85,
    "budget": 0.93,
    "tender_deadline": 0.95,
    "region.province": 0.90,
    "categories": 0.90,
}


PAIRS = documents()
pytestmark = pytest.mark.skipif(not PAIRS, reason="tests/fixtures/corpus holds no annotated documents yet")


@pytest.fixture(scope="module")
def results() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, expected, actual) for every corpus document."""
    out = []
    for document, expected_path in PAIRS:
        expected = load_expected(expected_path)
        with extraction_errors() as errors:
            actual = extract_record(document, expected)
        if errors:  # a step that crashed is logged and skipped by the engine; here it is a failure
            actual = {**actual, "error": "; ".join(r.getMessage() for r in errors)}
        out.append((document.name, expected, actual))
    return out


@pytest.mark.parametrize("field", sorted(THRESHOLDS))
def test_field_accuracy_floor(results: list[tuple[str, dict[str, Any], dict[str, Any]]], field: str) -> None:
    scored = [(name, get_field(want, field), get_field(got, field)) for name, want, got in results
              if field.split(".")[0] in want]
    assert scored, f"no document annotates {field}"
    misses = [f"{name}: expected {want!r} got {got!r}" for name, want, got in scored if want != got]
    accuracy = 1 - len(misses) / len(scored)
    assert accuracy >= THRESHOLDS[field], f"{field} accuracy {accuracy:.3f} < {THRESHOLDS[field]}:\n" + "\n".join(
        misses)


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


def test_every_document_extracts_without_error(results: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> None:
    failed = [name for name, want, got in results if "error" in got]
    assert not failed
