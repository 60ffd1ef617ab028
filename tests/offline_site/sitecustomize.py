"""Loaded by every Python process a test starts with ``offline_env()``: the offline guard in that process too.

A blocked attempt prints one ``OFFLINE GUARD:`` line on stderr (the test checks the output for it) and raises,
so a child process cannot reach a portal or Telegram even when the code under test swallows the error.
"""

from __future__ import annotations

import os

if os.environ.get("TENDERBOT_TEST_OFFLINE") == "1":
    from tests.offline import OfflineGuard

    OfflineGuard().install_process()
