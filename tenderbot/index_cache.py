"""The compiled subscription index kept on disk, so a restart with 100k subscriptions is ready in about 2 s.

Compiling 100,000 subscriptions (parse + file every keyword) costs ~9 s of CPU; unpickling the result ~1.5 s.
The file is only trusted when its key matches: the database's id and its subscription revision (a counter
database triggers bump on every change to subscriptions or to a chat's active flag), the taxonomy the
synonyms come from, and the matching code itself — so an edited query, another database, a new taxonomy
or a new release compiles afresh, and a warm start reads no subscription row at all. The file is written
by this process into the operator's data folder (pickle: never point TENDERBOT_CACHE_DIR at a folder others
can write to).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenderbot.subscriptions import CompiledSubscriptions

log = logging.getLogger(__name__)

FILE_NAME = "subscription-index.pickle"
# Bump when the pickled layout changes in a way the code hash below would not notice.
FORMAT = b"tenderbot-index-1"
_PACKAGE = Path(__file__).resolve().parent
_CODE = ("matching/engine.py", "matching/automata.py", "matching/query.py", "matching/vocab.py",
         "matching/budget.py", "subscriptions.py", "extract/text.py", "models.py")


@cache
def _code_hash() -> bytes:
    """A hash of the code whose objects are pickled or whose rules shape them."""
    digest = hashlib.sha256(FORMAT)
    for name in _CODE:
        path = _PACKAGE / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    return digest.digest()


def file_digest(path: Path) -> str:
    """A hash of a file's bytes ("" when it cannot be read): the taxonomy behind the synonyms."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def cache_key(version: tuple[str, int], salt: str = "") -> str:
    """The key a cached index must carry to stand for the subscriptions at ``version`` (database id, revision)
    compiled with this code and this taxonomy (``salt``)."""
    digest = hashlib.sha256(_code_hash())
    digest.update(salt.encode() + b"\0" + version[0].encode() + b"\0" + str(version[1]).encode())
    return digest.hexdigest()


class IndexCache:
    """Loads and saves one compiled index in a folder; every failure means "compile afresh", never an error."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def load(self, key: str) -> CompiledSubscriptions | None:
        """The cached index when its key is ``key``; None when missing, stale or unreadable."""
        try:
            with self.path.open("rb") as handle:
                if handle.readline().rstrip(b"\n") != key.encode():
                    return None
                data = handle.read()
            # Millions of small objects: with the cyclic collector on, it rescans them again and again while
            # they are created (4.2 s instead of 1.4 s for 100k subscriptions on this machine).
            collecting = gc.isenabled()
            gc.disable()
            try:
                loaded = pickle.loads(data)
            finally:
                if collecting:  # leave a caller that turned the collector off as it was
                    gc.enable()
        except FileNotFoundError:
            return None
        except Exception as exc:
            log.warning("subscription index cache %s unreadable, compiling afresh: %s", self.path, exc)
            return None
        from tenderbot.subscriptions import CompiledSubscriptions

        return loaded if isinstance(loaded, CompiledSubscriptions) else None

    def save(self, key: str, compiled: CompiledSubscriptions) -> None:
        """Write the index atomically (a crash leaves the old file or none); errors are logged, not raised."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            with partial.open("wb") as handle:
                handle.write(key.encode() + b"\n")
                pickle.dump(compiled, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, self.path)
        except Exception as exc:
            log.warning("could not save the subscription index cache to %s: %s", self.path, exc)
