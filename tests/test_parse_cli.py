"""`tenderbot parse` over several inputs: JSON Lines, directories, --explain, errors that lose nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tenderbot.cli import main

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


@pytest.fixture(autouse=True)
def _quiet_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI configures logging; keep it from replacing pytest's handlers for later tests."""
    monkeypatch.setattr("tenderbot.cli.configure_logging", lambda *args, **kwargs: None)


def _records(out: str) -> list[dict[str, object]]:
    lines = [line for line in out.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_files_and_a_directory_give_one_json_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("ccgp-award-guizhou-summary-table.html", "hospital-termination-guangdong-linen.txt"):
        shutil.copy(CORPUS / name, folder / name)
    (folder / "notes.md").write_text("not an announcement file type", encoding="utf-8")
    single = CORPUS / "medtext-tender-ningxia-dialysis-contacts-block.html"
    assert main(["parse", str(single), str(folder)]) == 0
    records = _records(capsys.readouterr().out)
    assert [Path(str(r["path"])).name for r in records] == [
        single.name, "ccgp-award-guizhou-summary-table.html", "hospital-termination-guangdong-linen.txt"]
    assert [r["notice_type"] for r in records] == ["tender", "award", "termination"]


def test_a_bad_input_is_reported_and_the_others_still_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "blob.html"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    good = CORPUS / "ccgp-award-guizhou-summary-table.html"
    assert main(["parse", str(binary), str(tmp_path / "missing.txt"), str(good)]) == 2
    captured = capsys.readouterr()
    assert [Path(str(r["path"])).name for r in _records(captured.out)] == [good.name]
    assert "blob.html" in captured.err and "cannot read" in captured.err


def test_explain_names_the_rule_label_and_position(capsys: pytest.CaptureFixture[str]) -> None:
    page = CORPUS / "medtext-tender-ningxia-dialysis-contacts-block.html"
    assert main(["parse", "--explain", str(page)]) == 0
    record = _records(capsys.readouterr().out)[0]
    explain = record["explain"]
    assert isinstance(explain, dict)
    assert explain["notice_type"]["rule"]
    budget = explain["budget"]
    assert budget["rule"].startswith("text:") and budget["label"] and isinstance(budget["position"], int)
    assert "context" in budget
