"""Issue 16: a 401 from getUpdates used to stop update polling for good while the process lived on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tenderbot.app import TenderBot
from tests.e2e_support import TOKEN, settings_for
from tests.fake_telegram import FakeTelegram

USER = 4242
ADMIN = 900


async def test_polling_survives_a_401_and_tells_the_operator(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    settings = settings_for(tmp_path, sources, "pending").model_copy(update={"admin_chat_ids": str(ADMIN)})
    with FakeTelegram.serving() as fake, caplog.at_level(logging.INFO):
        settings = settings.model_copy(update={"telegram_api_url": fake.server_url})
        fake.fail_next("getUpdates", 401, "Unauthorized")
        async with TenderBot(settings) as app:
            await app.start_bot()
            fake.push_update(fake.command(USER, USER, "/help"))
            # Answered after the backoff (1 s), not never.
            await fake.wait_for(lambda: fake.messages(USER), timeout=8)
            assert app.poller.restarts == 1 and app.poller.failures == 0
            # The operator hears that polling failed (best effort) and that it came back.
            await fake.wait_for(lambda: any("已恢复" in str(m.get("text")) for m in fake.messages(ADMIN)), timeout=3)
            assert any("getUpdates" in str(m.get("text")) for m in fake.sent("sendMessage", ADMIN))
            # And it keeps polling: a second command is answered too.
            fake.push_update(fake.command(USER, USER, "/list"))
            await fake.wait_for(lambda: len(fake.messages(USER)) >= 2, timeout=5)
    failed = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert len(failed) == 1 and "Unauthorized" in failed[0].getMessage()
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("tenderbot")]
    assert ours and not any(TOKEN in message for message in ours)  # (httpx's own lines: the redaction filter)
