"""One error tree for tenderbot, split by what the caller should do.

TenderbotError
 ├── ConfigError          the operator must fix configuration; stop with a clear message
 │    └── StartupError    a service it points at (Telegram, the database) refused or could not be
 │                        reached at start; one line saying what failed and what to do
 ├── FetchError           a portal could not be read now; retry later with backoff
 │    ├── BlockedError    the portal served a block / CAPTCHA page; back off longer
 │    └── NotModified     a conditional request said nothing changed (not a failure)
 ├── ParseError           the page is not what we expected (site changed, bad input)
 ├── QueryError           a subscription query is malformed; the message says what to write
 └── NotifyError          a message could not be delivered
      ├── RetryLater      wait ``retry_after`` seconds, then send again
      └── ChatGone        the chat blocked or removed the bot; stop sending to it
"""

from __future__ import annotations

from tenderbot.texts import Message


class TenderbotError(Exception):
    """Base of every error tenderbot raises on purpose."""


class ConfigError(TenderbotError):
    """Configuration is missing or invalid."""


class StartupError(ConfigError):
    """Start-up failed on something outside the process; ``hint`` says what the operator can do."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(f"{problem}. Hint: {hint}")
        self.problem = problem
        self.hint = hint


class FetchError(TenderbotError):
    """A portal could not be read now; retry later."""


class BlockedError(FetchError):
    """The portal answered with a block or CAPTCHA page."""


class NotModified(FetchError):
    """A conditional request answered 304: nothing new."""


class ParseError(TenderbotError):
    """Input is not a page or text we can read."""


class QueryError(TenderbotError):
    """A subscription query is malformed; ``message(lang)`` says what to write, in the reader's language.

    Raised with a catalogue key (tenderbot/texts.py) and its values; ``str()`` is the Chinese text.
    """

    def __init__(self, message_id: str, /, **values: object) -> None:
        self.text = Message(message_id, values)
        super().__init__(self.text.render("zh"))

    def message(self, lang: str) -> str:
        """What is wrong and what to write instead, in ``lang``."""
        return self.text.render(lang)


class NotifyError(TenderbotError):
    """A message could not be delivered."""


class RetryLater(NotifyError):
    """The channel asked us to wait (``retry_after`` seconds), or failed transiently (None: back off)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ChatGone(NotifyError):
    """The chat blocked or removed the bot."""


class ChatMoved(NotifyError):
    """The chat now lives under another id (Telegram's group → supergroup migration)."""

    def __init__(self, message: str, new_chat_id: int) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class MessageRejected(NotifyError):
    """The channel refused this message for good (bad markup, too long)."""
