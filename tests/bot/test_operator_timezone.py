"""/sources shows times in TENDERBOT_TIMEZONE (passed in through BotDeps) and says which zone they are in."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from tenderbot.bot.common import BotDeps
from tenderbot.models import SourceState
from tests.bot.conftest import ADMIN, NOW, USER, Harness


async def test_sources_use_the_operators_zone_and_name_it(harness: Harness) -> None:
    deps = harness.app.bot_data["deps"]
    assert isinstance(deps, BotDeps)
    harness.app.bot_data["deps"] = replace(deps, tz=ZoneInfo("Europe/Berlin"))
    await harness.store.sources.save(SourceState("ccgp", last_success=NOW), NOW)  # 02:00 UTC
    await harness.command(ADMIN, "/sources")
    text = harness.last_text(ADMIN)
    assert "上次成功 03-02 03:00" in text and "Europe/Berlin" in text  # CET, not Beijing's 10:00
    await harness.command(USER, "/status")  # a chat's own view: its own zone (Beijing by default), named
    assert "03-02 10:00" in harness.last_text(USER) and "Asia/Shanghai" in harness.last_text(USER)
