"""``tenderbot search`` and ``tenderbot export``: the console's search on the command line."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from tenderbot.cli import main
from tests.web.support import HOSTILE_TITLE, running_bot, sample_notices, web_settings


@pytest.fixture
def stored_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with the sample notices (seen now), and the environment pointing at it."""
    settings = web_settings(tmp_path)
    now = datetime.now(UTC)

    async def fill() -> None:
        async with running_bot(settings, now=now, store_samples=False) as bot:
            await bot.store.notices.upsert(sample_notices(now), now)

    asyncio.run(fill())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TENDERBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TENDERBOT_SOURCES_FILE", str(settings.sources_file))
    monkeypatch.setenv("TENDERBOT_TELEGRAM_TOKEN", "")
    return tmp_path


def test_search_prints_a_table_json_and_csv(stored_world: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["search", "液相色谱 地区:江西"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert HOSTILE_TITLE in out and "150万元" in out and "共 2 条" in out
    assert main(["search", "质谱", "--format", "json"]) == 0
    rows = json.loads(capsysbinary.readouterr().out)
    assert [r["title"] for r in rows] == ["浙江大学质谱仪采购"] and rows[0]["budget_yuan"] == "4200000"
    assert main(["search", "类别:医疗", "--since", "7d", "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert [r["title"] for r in table] == ["彩色多普勒超声诊断仪采购"]


def test_search_rejects_a_bad_query_or_span(stored_world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "预算:很多"]) == 2
    assert main(["search", "质谱", "--since", "a week"]) == 2
    assert "7d" in capsys.readouterr().err


def test_export_writes_excel_and_csv(stored_world: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    target = stored_world / "out.xlsx"
    assert main(["export", "--format", "xlsx", "--output", str(target), "类别:仪器"]) == 0
    values = list(openpyxl.load_workbook(target).active.values)
    assert values[0][0] == "title" and len(values) == 4  # header, tender, amendment, mass spectrometer
    assert main(["export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8-sig"))))
    assert len(rows) == 5 and {"title", "notice_type", "budget_yuan", "deadline", "buyer", "province", "city",
                               "url"} <= set(rows[0])


def test_search_widens_a_tilde_term_with_the_taxonomy_like_the_console(
    stored_world: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # 彩色超声诊断系统 occurs in no stored text; the taxonomy lists it with 彩超 (which the notice says).
    assert main(["search", "~彩色超声诊断系统", "--format", "json"]) == 0
    titles = [row["title"] for row in json.loads(capsysbinary.readouterr().out)]
    assert titles == ["彩色多普勒超声诊断仪采购"]
    assert main(["export", "--format", "json", "~彩色超声诊断系统"]) == 0
    assert [row["title"] for row in json.loads(capsysbinary.readouterr().out)] == ["彩色多普勒超声诊断仪采购"]
