"""The corpus split rule (bench/split_corpus.py) and the partial comparison of expected objects."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.corpus_support import load_split, matches

ROOT = Path(__file__).resolve().parents[2]


def _split_module() -> ModuleType:
    """bench/split_corpus.py imported as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("split_corpus", ROOT / "bench" / "split_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("split_corpus", module)
    spec.loader.exec_module(module)
    return module


def test_assign_is_deterministic_and_balanced_per_stratum() -> None:
    split = _split_module()
    strata = {f"ccgplist-award-{i}": ("award", "ccgplist") for i in range(10)}
    strata |= {f"hospital-tender-{i}": ("tender", "hospital") for i in range(7)}
    first = split.assign(strata, {})
    assert first == split.assign(dict(reversed(list(strata.items()))), {})
    for key in {("award", "ccgplist"), ("tender", "hospital")}:
        parts = [first[name] for name, stratum in strata.items() if stratum == key]
        assert abs(parts.count("dev") - parts.count("validation")) <= 1


def test_assign_never_moves_an_existing_row() -> None:
    split = _split_module()
    strata = {f"news-other-{i}": ("other", "news") for i in range(6)}
    existing = {"news-other-0": "validation", "news-other-1": "validation", "news-other-2": "validation"}
    result = split.assign(strata, existing)
    assert all(result[name] == part for name, part in existing.items())
    assert sorted(result[f"news-other-{i}"] for i in range(3, 6)) == ["dev", "dev", "dev"]


def test_load_split_rejects_an_unknown_half(tmp_path: Path) -> None:
    (tmp_path / "SPLIT.tsv").write_text("# comment\na\tdev\nb\ttrain\n", encoding="utf-8")
    try:
        load_split(tmp_path)
    except ValueError as exc:
        assert "SPLIT.tsv:3" in str(exc)
    else:
        raise AssertionError("an unknown split name was accepted")


def test_matches_compares_only_the_keys_an_annotator_wrote() -> None:
    got = {"name": "济南大学", "address": "济南市南辛庄西路336号", "contact": None, "phone": None}
    assert matches({"name": "济南大学"}, got)
    assert not matches({"name": "济南大学", "phone": "0531-82765758"}, got)
    assert not matches({"name": "济南大学"}, None)
    assert matches(None, None)
    assert not matches(None, got)
    assert matches(["medical"], ["medical"])


def _accuracy_module() -> ModuleType:
    """bench/accuracy.py imported as a module."""
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_accuracy_reports_each_half_and_hides_validation_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = ROOT / "tests" / "fixtures" / "corpus"
    for name, part in (("medtext-tender-guizhou-second-round", "dev"), ("news004-snippet-03", "validation")):
        source = next(path for path in corpus.glob(f"{name}.*") if not path.name.endswith(".expected.json"))
        (tmp_path / source.name).write_bytes(source.read_bytes())
        expected = (corpus / f"{name}.expected.json").read_text(encoding="utf-8")
        # a wrong expectation in each half, so each half has a miss to show or to hide
        (tmp_path / f"{name}.expected.json").write_text(expected.replace('"notice_type": "', '"notice_type": "x'),
                                                         encoding="utf-8")
        with (tmp_path / "SPLIT.tsv").open("a", encoding="utf-8") as manifest:
            manifest.write(f"{name}\t{part}\n")
    accuracy = _accuracy_module()
    assert accuracy.main(["--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "dev (1 docs)" in out and "validation (1 docs)" in out and "all (2 docs)" in out
    assert "mean per field" in out
    assert "medtext-tender-guizhou-second-round.html: notice_type" in out
    assert "news004-snippet-03.txt: notice_type" not in out
    assert "validation misses: 1 (not listed" in out
    assert accuracy.main(["--corpus", str(tmp_path), "--split", "validation", "--show-validation-misses"]) == 0
    assert "news004-snippet-03.txt: notice_type" in capsys.readouterr().out
