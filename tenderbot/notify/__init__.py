"""Rendering and delivery of messages: Telegram, console, team webhooks."""
