"""A sender process for the crash tests: drains the outbox of a database to a Bot API URL until killed.

Run as ``python -m tests.delivery.crash_sender DB_URL API_URL LEASE_SECONDS``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.request import HTTPXRequest

from tenderbot.notify.channels import TelegramChannel
from tenderbot.notify.ratelimit import SendLimiter
from tenderbot.notify.sender import Sender
from tenderbot.store.db import make_engine
from tenderbot.store.outbox import OutboxRepo
from tenderbot.store.repos import Store

TOKEN = "123456:TEST-fake-token"


async def main(db_url: str, api_url: str, lease: float) -> None:
    """Send until SIGTERM (or until SIGKILL, which is the point)."""
    engine = make_engine(db_url)
    store = replace(Store.over(engine), outbox=OutboxRepo(engine, lease=timedelta(seconds=lease)))
    bot = Bot(TOKEN, base_url=f"{api_url}/bot", request=HTTPXRequest(connection_pool_size=32))
    await bot.initialize()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    sender = Sender(
        store,
        telegram=TelegramChannel(bot),
        console=None,
        limiter=SendLimiter(overall_per_second=25),
        clock=lambda: datetime.now(UTC),
    )
    print("sender ready", flush=True)
    try:
        await sender.run_forever(stop, idle_seconds=0.2)
    finally:
        await bot.shutdown()
        await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
