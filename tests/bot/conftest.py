"""A real PTB Application built like TenderBot.start_bot (minus polling), talking to the strict fake Bot API."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from tenderbot.bot.handlers import BotDeps, install, publish_commands
from tenderbot.models import Money, Notice, NoticeType, Party, Region
from tenderbot.store.db import make_engine, upgrade
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex
from tests.fake_telegram import FakeTelegram

ADMIN = 900
USER = 4242
OTHER = 5151
GROUP = -100123
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing

JSON = dict[str, Any]


@dataclass
class Clock:
    """A clock tests set by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    """The bot under test, its database and the fake Telegram it talks to."""

    fake: FakeTelegram
    store: Store
    engine: AsyncEngine
    clock: Clock
    app: Application  # type: ignore[type-arg]
    index: SubscriptionIndex
    admins: frozenset[int] = field(default_factory=lambda: frozenset({ADMIN}))

    async def send(self, update: JSON) -> None:
        """Let the application handle one update now (as polling would)."""
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def command(self, chat_id: int, text: str, *, user: int | None = None, **kwargs: Any) -> None:
        """A user (the chat's owner by default) sends a command."""
        chat_type = kwargs.pop("chat_type", "private" if chat_id > 0 else "supergroup")
        await self.send(self.fake.command(chat_id, user or chat_id, text, chat_type=chat_type, **kwargs))

    async def text(self, chat_id: int, text: str, *, user: int | None = None, reply_to: int | None = None,
                   **kwargs: Any) -> None:
        """A user sends plain text (optionally as a reply)."""
        chat_type = "private" if chat_id > 0 else "supergroup"
        update = self.fake.message(chat_id, user or chat_id, text, chat_type=chat_type,
                                   reply_to_message_id=reply_to, **kwargs)
        await self.send(update)

    async def press(self, chat_id: int, data: str, *, user: int | None = None, message_id: int | None = None,
                    check_button: bool = True, **kwargs: Any) -> None:
        """A user presses an inline button (on the latest bot message with a keyboard by default)."""
        update = self.fake.callback(chat_id, user or chat_id, data, message_id, check_button=check_button,
                                    **kwargs)
        await self.send(update)

    def last(self, chat_id: int) -> JSON:
        """The newest bot message in a chat."""
        messages = self.fake.messages(chat_id)
        assert messages, f"no bot message in chat {chat_id}"
        return messages[-1]

    def last_text(self, chat_id: int) -> str:
        """The newest bot message's plain text."""
        return str(self.last(chat_id).get("text") or self.last(chat_id).get("caption") or "")

    def buttons(self, chat_id: int, message: JSON | None = None) -> list[str]:
        """Callback data of a message's buttons (the newest bot message by default)."""
        message = message or self.last(chat_id)
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    def answers(self) -> list[str]:
        """Texts of every answerCallbackQuery so far."""
        return [str(call.get("text") or "") for call in self.fake.sent("answerCallbackQuery")]


async def build_app(fake: FakeTelegram, store: Store, index: SubscriptionIndex, clock: Clock,
                    admins: frozenset[int]) -> Application:  # type: ignore[type-arg]
    """The Application as TenderBot.start_bot builds it, without an updater (updates are fed in)."""
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    app = ApplicationBuilder().token(fake.token).request(request).updater(None).build()
    install(app, BotDeps(store, index, clock, admins))
    await app.initialize()
    await publish_commands(app)
    return app


async def _migrate(path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test works on a copy (Alembic once, not 40 times)."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    asyncio.run(_migrate(path))
    return path


@pytest.fixture
async def harness(tmp_path: Path, migrated_db: Path) -> AsyncIterator[Harness]:
    """A fresh database, matcher, fake Telegram and bot."""
    shutil.copyfile(migrated_db, tmp_path / "bot.db")
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    store = Store.over(engine)
    index = SubscriptionIndex(store.chats)
    clock = Clock()
    fake = FakeTelegram(flood=None)
    admins = frozenset({ADMIN})
    app = await build_app(fake, store, index, clock, admins)
    try:
        yield Harness(fake, store, engine, clock, app, index, admins)
    finally:
        await app.shutdown()
        await engine.dispose()


def tender(title: str, *, source_id: str = "1", buyer: str = "示例市人民医院", budget: str = "1285000",
           deadline: datetime | None = None, published: datetime | None = None,
           notice_type: NoticeType = NoticeType.TENDER, province: str = "江苏") -> Notice:
    """A tender notice as the pipeline would store it."""
    return Notice(
        source="test",
        source_id=source_id,
        url=f"https://example.gov.cn/notice/{source_id}.html",
        title=title,
        notice_type=notice_type,
        buyer=Party(name=buyer),
        budget=Money(Decimal(budget)),
        tender_deadline=deadline,
        published_at=published or NOW,
        region=Region(province=province),
        text=title,
    )
