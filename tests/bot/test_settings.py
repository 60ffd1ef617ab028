"""/digest and /settings store the chat's choices and clear next_digest_at so the digest tick recomputes it."""

from __future__ import annotations

from tenderbot.bot.settings import QUIET_PRESETS, TIMEZONES, parse_clock, parse_quiet
from tests.bot.conftest import NOW, USER, Harness


async def test_digest_time_and_off(harness: Harness) -> None:
    await harness.command(USER, "/start")
    await harness.store.chats.update(USER, next_digest_at=NOW)
    await harness.command(USER, "/digest 8:05")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.digest_time == "08:05" and chat.next_digest_at is None
    assert "08:05" in harness.last_text(USER) and "Asia/Shanghai" in harness.last_text(USER)
    await harness.command(USER, "/digest 25:00")
    assert "/digest 08:30" in harness.last_text(USER)
    await harness.command(USER, "/digest off")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.digest_time is None and chat.instant


async def test_settings_panel_buttons_and_text_forms(harness: Harness) -> None:
    await harness.command(USER, "/settings")
    assert "时区：Asia/Shanghai" in harness.last_text(USER) and "提醒方式：即时提醒" in harness.last_text(USER)
    await harness.store.chats.update(USER, next_digest_at=NOW)
    await harness.press(USER, f"g:tz:{TIMEZONES.index('Europe/Berlin')}")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.timezone == "Europe/Berlin" and chat.next_digest_at is None
    assert "时区：Europe/Berlin" in harness.last_text(USER)
    await harness.press(USER, "g:m:0")  # digest only: a digest time is chosen for them
    chat = await harness.store.chats.get(USER)
    assert chat is not None and not chat.instant and chat.digest_time == "08:30"
    await harness.press(USER, f"g:q:{QUIET_PRESETS.index('22:00-08:00')}")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.quiet_hours == "22:00-08:00"
    await harness.press(USER, "g:a:1")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.digest_always and "没有新公告也发" in harness.last_text(USER)
    assert "g:a:0" in harness.buttons(USER)
    await harness.press(USER, "g:q:0")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.quiet_hours is None
    await harness.command(USER, "/settings quiet 23:30-7:00")
    await harness.command(USER, "/settings tz America/New_York")
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.quiet_hours == "23:30-07:00" and chat.timezone == "America/New_York"
    await harness.command(USER, "/settings tz Mars/Olympus")
    assert "不认识的时区“Mars/Olympus”" in harness.last_text(USER)
    await harness.command(USER, "/settings quiet later", language_code="en")
    assert "Write quiet hours as 22:00-08:00 or off" in harness.last_text(USER)
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.timezone == "America/New_York"
    await harness.press(USER, "g:tz:99", check_button=False)
    assert "已失效" in harness.answers()[-1]


def test_clock_and_quiet_parsing() -> None:
    assert parse_clock("7:30") == "07:30" and parse_clock("07：30") == "07:30"
    assert parse_clock("24:00") is None and parse_clock("7") is None
    assert parse_quiet("22:00-08:00") == "22:00-08:00" and parse_quiet("22:00~7:00") == "22:00-07:00"
    assert parse_quiet("22:00-22:00") is None and parse_quiet("22:00") is None
