"""Telegram handlers: commands, guided /sub conversation, buttons."""
