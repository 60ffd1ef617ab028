"""The bot's entry points for the composition root: ``BotDeps``, ``install`` and ``publish_commands``.

The handlers themselves live in small modules: commands (start, help, menus, wiring), wizard and
subscribe (/sub), listing and manage (/list, /unsub, /pause, /resume, /share), settings (/digest,
/settings), transfer (/export, /import), admin (/status, /stats, /sources, /broadcast), buttons
(every inline button), members (my_chat_member), safety (the error handler that still answers).
Around them: lanes (per-chat ordered, cross-chat concurrent update processing) and polling (getUpdates
that survives any failure). Every text comes from the catalogue in ``tenderbot/texts.py``.
"""

from __future__ import annotations

from tenderbot.bot.commands import install, publish_commands
from tenderbot.bot.common import BotDeps

__all__ = ["BotDeps", "install", "publish_commands"]
