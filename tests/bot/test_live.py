"""The bot inside the real service (TenderBot.start_bot, polling the fake over 127.0.0.1): a real alert's buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from telegram import BotCommandScopeChat

from tenderbot.app import TenderBot
from tests.e2e_support import PortalWorld, settings_for
from tests.fake_telegram import FakeTelegram
from tests.replay_server import ReplayServer

USER = 4242
ADMIN = 900


def answered(fake: FakeTelegram) -> list[str]:
    """Texts of the callback answers so far."""
    return [str(c.get("text") or "") for c in fake.sent("answerCallbackQuery")]


async def test_real_alert_buttons_follow_and_block_the_buyer_of_the_matching_subscription(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with ReplayServer() as server, FakeTelegram.serving() as fake:
        world = PortalWorld(server, now)
        settings = settings_for(tmp_path, world.write_sources(tmp_path / "sources.yaml"), fake.server_url)
        settings = settings.model_copy(update={"admin_chat_ids": str(ADMIN)})
        async with TenderBot(settings, fetch_min_delay=0.0) as app:
            await app.start_bot()
            admin_menu = [c["command"] for c in fake.commands(BotCommandScopeChat(ADMIN).to_dict())]
            assert "broadcast" in admin_menu
            fake.push_update(fake.command(USER, USER, "/sub 液相色谱"))
            fake.push_update(fake.command(USER, USER, "/sub 彩超"))
            await fake.wait_for(lambda: sum("已订阅" in str(m["text"]) for m in fake.sent("sendMessage", USER)) == 2)
            world.publish()
            await app.poll_once()
            await app.drain()
            (alert,) = [m for m in fake.messages(USER) if "f:" in str(m.get("reply_markup", ""))]
            follow, _, block = [b["callback_data"] for b in alert["reply_markup"]["inline_keyboard"][0]]
            fake.push_update(fake.callback(USER, USER, follow, alert["message_id"]))
            fake.push_update(fake.callback(USER, USER, block, alert["message_id"]))
            await fake.wait_for(lambda: len(answered(fake)) == 2)
            assert answered(fake)[0].startswith("⭐ 已关注")
            assert answered(fake)[1] == "🚫 已在 1 个订阅中屏蔽采购人：示例市第一人民医院"
            lc, us = await app.store.chats.subscriptions(USER)
            assert lc.excluded_buyers == ("示例市第一人民医院",) and us.excluded_buyers == ()
            assert await app.store.chats.follow_count(USER) == 1
