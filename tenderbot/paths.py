"""Config file paths and the few settings ``tenderbot parse`` needs, readable without pydantic.

``tenderbot parse`` answers one page in ~0.1 s; importing pydantic-settings alone costs more than
that, so the parse command reads its three settings here the way ``Settings`` does (environment
first, then ``.env`` in the working directory, names case-insensitive).
"""

from __future__ import annotations

import os
from pathlib import Path

# Where config/ lives in a source checkout, for commands run from another directory.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def found_config(value: Path) -> Path:
    """A relative path is read from the working directory, else from the checkout's own config/."""
    if value.is_absolute() or value.exists():
        return value
    bundled = PROJECT_ROOT / value
    return bundled if bundled.exists() else value


def _dotenv(path: Path = Path(".env")) -> dict[str, str]:
    """``KEY=value`` lines of a .env file (keys upper-cased, quotes and comments dropped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        values[key.strip().upper()] = value.strip().strip("'\"")
    return values


def light_setting(name: str, default: str) -> str:
    """``TENDERBOT_<NAME>`` from the environment, else from .env, else ``default``."""
    key = f"TENDERBOT_{name.upper()}"
    for env_key, value in os.environ.items():
        if env_key.upper() == key:
            return value
    return _dotenv().get(key, default)
