"""Issue 16: every command answers — bad input gets a clear error, and a handler that fails apologises."""

from __future__ import annotations

import logging

import pytest

from tests.bot.conftest import USER, Harness


async def test_a_300_character_time_zone_is_refused_with_an_answer(harness: Harness) -> None:
    await harness.command(USER, "/settings tz " + "A" * 300)
    text = harness.last_text(USER)
    assert text.startswith("看不懂这个设置：不认识的时区") and len(text) < 200, text
    chat = await harness.store.chats.get(USER)
    assert chat is not None and chat.timezone == "Asia/Shanghai"
    await harness.command(USER, "/settings tz " + "Europe/" * 40, language_code="en")
    assert harness.last_text(USER).startswith("Cannot use that setting: Unknown time zone")


async def test_a_huge_number_is_not_a_subscription_number(harness: Harness) -> None:
    await harness.command(USER, "/sub 液相色谱")
    for command in ("/unsub", "/pause", "/share", "/resume"):
        before = len(harness.fake.messages(USER))
        await harness.command(USER, f"{command} {'9' * 5000}")
        assert len(harness.fake.messages(USER)) == before + 1, command
        assert "现有" in harness.last_text(USER), command
    assert len(await harness.store.chats.subscriptions(USER)) == 1


async def test_a_failing_handler_still_answers_in_the_users_language(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(chat_id: int) -> list[object]:
        raise RuntimeError("database exploded")

    for n in range(6):  # two pages, so the list has a ▶ button
        await harness.command(USER, f"/sub 液相色谱{n}")
    await harness.command(USER, "/list")
    listing = harness.last(USER)
    monkeypatch.setattr(harness.store.chats, "subscriptions", broken)
    with caplog.at_level(logging.ERROR, logger="tenderbot.bot.safety"):
        await harness.command(USER, "/list")
    assert harness.last_text(USER).startswith("😥 抱歉，处理这条消息时出错了")
    (record,) = [r for r in caplog.records if r.name == "tenderbot.bot.safety"]
    assert record.exc_info is not None and "database exploded" in caplog.text  # the traceback is logged
    assert "Traceback" in caplog.text
    await harness.command(USER, "/list", language_code="en")
    assert harness.last_text(USER).startswith("😥 Sorry, something went wrong")
    # A button whose handler fails gets the apology as an alert.
    await harness.press(USER, "l:1", message_id=listing["message_id"])
    assert harness.answers()[-1].startswith("😥 抱歉")
