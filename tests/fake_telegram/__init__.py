"""A strict stand-in for the Telegram Bot API, for tests (see ``fake.py`` for usage)."""

from tests.fake_telegram.entities import ApiError, parse_html, utf16_len
from tests.fake_telegram.fake import Call, FakeTelegram
from tests.fake_telegram.flood import FloodLimits
from tests.fake_telegram.params import Upload, decode_params

__all__ = ["ApiError", "Call", "FakeTelegram", "FloodLimits", "Upload", "decode_params", "parse_html", "utf16_len"]
