"""The explicit list of source kinds, and loading config/sources.yaml into ``SourceConfig``s."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from tenderbot.errors import ConfigError
from tenderbot.extract.taxonomy import Taxonomy
from tenderbot.sources.base import Source, SourceConfig
from tenderbot.sources.ccgp import CcgpSource
from tenderbot.sources.epoint import EpointSource
from tenderbot.sources.feed import FeedSource
from tenderbot.sources.fetch import FETCH_MODES
from tenderbot.sources.ggzy import GgzySource
from tenderbot.sources.html_list import HtmlListSource
from tenderbot.sources.zcy import ZcySource

SOURCE_CLASSES: tuple[type[Source], ...] = (
    FeedSource,
    CcgpSource,
    ZcySource,
    EpointSource,
    GgzySource,
    HtmlListSource,
)

_INT_FIELDS = ("interval_seconds", "jitter_seconds", "backfill_days", "max_pages", "max_items")
_ALLOWED = frozenset({"name", "kind", "enabled", "options", *_INT_FIELDS})
_MINIMUM = {"interval_seconds": 60, "jitter_seconds": 0, "backfill_days": 0, "max_pages": 1, "max_items": 1}


def source_class(kind: str) -> type[Source]:
    """The class registered for ``kind``; ConfigError naming the known kinds otherwise."""
    for cls in SOURCE_CLASSES:
        if cls.kind == kind:
            return cls
    known = ", ".join(sorted(cls.kind for cls in SOURCE_CLASSES))
    raise ConfigError(f"unknown source kind {kind!r} (known: {known})")


def load_source_configs(path: Path) -> list[SourceConfig]:
    """Read and validate a sources file; every problem is reported with the entry it belongs to."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    entries = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a top-level 'sources:' list")
    configs: list[SourceConfig] = []
    problems: list[str] = []
    names: set[str] = set()
    for index, entry in enumerate(entries):
        label = f"{path}: sources[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label += f" ({entry['name']})"
        try:
            config = parse_source_config(entry)
        except ConfigError as exc:
            problems.append(f"{label}: {exc}")
            continue
        if config.name in names:
            problems.append(f"{label}: duplicate source name {config.name!r}")
            continue
        names.add(config.name)
        configs.append(config)
    if problems:
        raise ConfigError("invalid sources configuration:\n" + "\n".join(problems))
    return configs


def parse_source_config(entry: object) -> SourceConfig:
    """Validate one entry (a mapping) into a ``SourceConfig``."""
    if not isinstance(entry, dict):
        raise ConfigError("each source must be a mapping with at least 'name' and 'kind'")
    unknown = sorted(set(entry) - _ALLOWED)
    if unknown:
        raise ConfigError(f"unknown keys {unknown}; site-specific settings go under 'options:'")
    name, kind = entry.get("name"), entry.get("kind")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("'name' must be a non-empty string")
    if not isinstance(kind, str):
        raise ConfigError("'kind' must be a string")
    cls = source_class(kind)
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError("'enabled' must be true or false")
    numbers: dict[str, int] = {}
    for key in _INT_FIELDS:
        if key not in entry:
            continue
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < _MINIMUM[key]:
            raise ConfigError(f"{key!r} must be an integer >= {_MINIMUM[key]}, got {value!r}")
        numbers[key] = value
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise ConfigError("'options' must be a mapping")
    option_problems = cls.option_problems(options)
    if options.get("fetch", "http") not in FETCH_MODES:
        option_problems.append(f"option 'fetch' must be one of {', '.join(FETCH_MODES)}, got {options['fetch']!r}")
    if option_problems:
        raise ConfigError("; ".join(option_problems))
    return SourceConfig(name=name.strip(), kind=kind, enabled=enabled, options=_frozen(options), **numbers)


def build_sources(configs: Iterable[SourceConfig], *, taxonomy: Taxonomy | None = None) -> list[Source]:
    """Instantiate one source per config, in order; callers pick the enabled ones (a live check may not)."""
    return [source_class(config.kind)(config, taxonomy) for config in configs]


def _frozen(options: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only view of the options, so a source cannot change shared configuration."""
    return MappingProxyType(dict(options))
