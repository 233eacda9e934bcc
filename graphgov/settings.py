"""Settings: declared once, here, as data.

Precedence, highest first (implemented in :func:`load_settings`):

1. command-line options (passed in as ``overrides``),
2. ``GRAPHGOV_<NAME>`` environment variables (upper-case setting name),
3. a ``graphgov.toml`` file (``--config FILE``, else ``./graphgov.toml`` when present),
4. the defaults below.

The README's settings table is checked against :data:`SETTINGS` by the test suite.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    type: str  # int, float, str, bool, date, list
    help: str
    group: str = "general"


SETTINGS: tuple[Setting, ...] = (
    # --- reading
    Setting(
        "lenient",
        False,
        "bool",
        "Turn per-record errors into counted warnings and go on; rejected records are reported.",
        "input",
    ),
    Setting(
        "encoding",
        "utf-8",
        "str",
        "Text encoding of input files (a byte-order mark always wins).",
        "input",
    ),
    Setting(
        "max_input_mb",
        512.0,
        "float",
        "Refuse an input file larger than this many MiB, before parsing it.",
        "input",
    ),
    Setting(
        "max_field_chars", 1_000_000, "int", "Longest CSV field accepted, in characters.", "input"
    ),
    Setting("max_nesting", 500, "int", "Deepest JSON/YAML nesting accepted.", "input"),
    Setting(
        "max_yaml_alias_nodes",
        100_000,
        "int",
        "Budget of YAML nodes reachable through aliases in one document (alias bombs are refused).",
        "input",
    ),
    Setting(
        "max_id_chars", 4096, "int", "Longest node id accepted; longer ids are refused.", "input"
    ),
    Setting(
        "dbt_include_tests", False, "bool", "Keep dbt tests (and unit tests) as nodes.", "input"
    ),
    Setting(
        "annotation_prefix",
        "graphgov.io/",
        "str",
        "Backstage annotation prefix that carries register fields.",
        "input",
    ),
    Setting(
        "follow_locations",
        False,
        "bool",
        "Follow relative targets of Backstage Location entities.",
        "input",
    ),
    # --- model
    Setting(
        "as_of",
        None,
        "date",
        "Date the analysis is made at (ISO date); default: today (UTC).",
        "model",
    ),
    Setting(
        "default_criticality",
        3,
        "int",
        "Criticality (1-5) counted for nodes whose criticality is unknown.",
        "model",
    ),
    Setting(
        "pilot_lifecycles",
        ["experimental", "pilot", "poc", "prototype"],
        "list",
        "Lifecycle words that make a node a pilot (case-insensitive).",
        "model",
    ),
    Setting(
        "production_lifecycles",
        ["production", "prod", "live", "ga"],
        "list",
        "Lifecycle words that mean production (for shadow production).",
        "model",
    ),
    Setting(
        "sink_kinds",
        ["dashboard", "report", "exposure", "application", "process"],
        "list",
        "Node kinds that are decision endpoints (decision sinks).",
        "model",
    ),
    Setting(
        "drill_window_days",
        365,
        "int",
        "A safe state is credited only when its last switch-off drill is at most this many days old.",
        "model",
    ),
    # --- irreversibility
    Setting(
        "weight_reach",
        0.25,
        "float",
        "Weight of f_reach (share of the organisation's weighted criticality reached).",
        "score",
    ),
    Setting(
        "weight_hard", 0.15, "float", "Weight of f_hard (hard share of the blast radius).", "score"
    ),
    Setting("weight_depth", 0.15, "float", "Weight of f_depth (integration depth).", "score"),
    Setting("weight_sinks", 0.15, "float", "Weight of f_sinks (decision sinks reached).", "score"),
    Setting("weight_spread", 0.15, "float", "Weight of f_spread (owners affected).", "score"),
    Setting("weight_age", 0.15, "float", "Weight of f_age (time in production).", "score"),
    Setting(
        "reach_saturation",
        60.0,
        "float",
        "Weighted criticality in the blast radius at which f_reach reaches 1 (a fixed point, never the size of the graph).",
        "score",
    ),
    Setting(
        "reach_log_scale",
        25.0,
        "float",
        "Steepness k of f_reach = log(1 + k*w/reach_saturation) / log(1 + k), w the weighted criticality reached.",
        "score",
    ),
    Setting("depth_saturation", 6, "int", "Integration depth at which f_depth reaches 1.", "score"),
    Setting("sinks_saturation", 5, "int", "Decision sinks at which f_sinks reaches 1.", "score"),
    Setting("spread_saturation", 5, "int", "Owners affected at which f_spread reaches 1.", "score"),
    Setting(
        "age_saturation_days", 730, "int", "Days in production at which f_age reaches 1.", "score"
    ),
    Setting("tier_costly", 25.0, "float", "Lowest irreversibility of the tier 'costly'.", "score"),
    Setting(
        "tier_entrenched",
        50.0,
        "float",
        "Lowest irreversibility of the tier 'entrenched'.",
        "score",
    ),
    Setting(
        "tier_irreversible",
        75.0,
        "float",
        "Lowest irreversibility of the tier 'irreversible'.",
        "score",
    ),
    # --- outputs
    Setting(
        "csv_bom",
        True,
        "bool",
        "Start CSV files with a UTF-8 byte-order mark, so Excel reads them as UTF-8.",
        "output",
    ),
    Setting(
        "explain_max_hops",
        12,
        "int",
        "Longest path shown in the explain column before the middle is elided.",
        "output",
    ),
    Setting(
        "map_summary_threshold",
        1500,
        "int",
        "Above this many nodes a map opens on a summary of groups.",
        "output",
    ),
    Setting(
        "map_max_full_nodes",
        400,
        "int",
        "Without --focus, a map shows the whole graph up to this many nodes.",
        "output",
    ),
    # --- where the work runs (never changes a result, so outputs leave these out)
    Setting(
        "engine",
        "local",
        "str",
        "Where the reach passes run: local (this process) or dask (a Dask cluster; same results).",
        "engine",
    ),
    Setting(
        "scheduler",
        "",
        "str",
        "Dask scheduler address (tcp://host:8786) for engine dask; empty: a LocalCluster here.",
        "engine",
    ),
    Setting(
        "dask_workers",
        2,
        "int",
        "Worker processes of the LocalCluster started when engine is dask without a scheduler.",
        "engine",
    ),
    Setting(
        "dask_timeout",
        10.0,
        "float",
        "Seconds to wait for the Dask scheduler (and its first worker) before giving up.",
        "engine",
    ),
)

#: settings that say where the work runs, not what it computes
ENGINE_SETTINGS = frozenset(s.name for s in SETTINGS if s.group == "engine")

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Attribute access by setting name; ``sources`` says where each came from."""

    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("values", "sources"):
            # copy, pickle and deepcopy look for dunder methods before ``values`` exists
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def today(self) -> dt.date:
        """The as-of date (``as_of`` or today in UTC)."""
        value = self.values.get("as_of")
        return value if value is not None else dt.datetime.now(dt.UTC).date()

    def replace(self, **changes: Any) -> Settings:
        values = dict(self.values)
        sources = dict(self.sources)
        for name, raw in changes.items():
            values[name] = coerce(name, raw, "argument")
            sources[name] = "argument"
        return Settings(values, sources)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates as ISO strings), sorted by name. The engine settings (where
        the work runs) are left out: a snapshot made on a cluster equals one made locally."""
        out: dict[str, Any] = {}
        for name in sorted(self.values):
            if name in ENGINE_SETTINGS:
                continue
            v = self.values[name]
            out[name] = v.isoformat() if isinstance(v, dt.date) else v
        return out


def coerce(name: str, raw: Any, origin: str) -> Any:
    """Convert ``raw`` (from TOML, the environment or an option) to the setting's type."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        known = ", ".join(sorted(_BY_NAME))
        msg = f"{origin}: unknown setting '{name}' — known settings: {known}"
        raise ConfigError(msg) from None
    if raw is None:
        return None if setting.type == "date" else setting.default
    kind = setting.type
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"expected true or false, got {raw!r}")
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(str(raw).strip())
        if kind == "float":
            if isinstance(raw, bool):
                raise ValueError("expected a number")
            value = float(str(raw).strip())
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("expected a finite number")
            return value
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            text = str(raw).strip()
            return None if text == "" else dt.date.fromisoformat(text)
        if kind == "list":
            if isinstance(raw, str):
                return [p.strip() for p in raw.split(",") if p.strip()]
            return [str(p) for p in raw]
        return str(raw)
    except ValueError as err:
        msg = f"{origin}: setting '{name}' must be a {kind}: {err}"
        raise ConfigError(msg) from err


def load_settings(
    config: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting: option > ``GRAPHGOV_*`` environment > ``graphgov.toml`` > default.

    >>> s = load_settings(overrides={"default_criticality": "2"}, environ={})
    >>> s.default_criticality, s.sources["default_criticality"]
    (2, 'option')
    """
    values = {s.name: s.default for s in SETTINGS}
    sources = {s.name: "default" for s in SETTINGS}
    path: Path | None = Path(config) if config is not None else None
    if path is None and Path("graphgov.toml").is_file():
        path = Path("graphgov.toml")
    if path is not None:
        for name, raw in _read_toml(path).items():
            values[name] = coerce(name, raw, str(path))
            sources[name] = str(path)
    env = os.environ if environ is None else environ
    for s in SETTINGS:
        key = "GRAPHGOV_" + s.name.upper()
        if key in env:
            values[s.name] = coerce(s.name, env[key], key)
            sources[s.name] = key
    for name, raw in (overrides or {}).items():
        if raw is None:
            continue
        values[name] = coerce(name, raw, "option")
        sources[name] = "option"
    _validate(values)
    return Settings(values, sources)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        msg = f"{path}: configuration file not found — check the --config path"
        raise ConfigError(msg) from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        msg = f"{path}: not valid TOML: {err}"
        raise ConfigError(msg) from err
    # settings may sit at the top level or under [graphgov] (which wins)
    table = data.get("graphgov", {})
    if not isinstance(table, dict):
        msg = f"{path}: [graphgov] must be a table of settings"
        raise ConfigError(msg)
    merged = {k: v for k, v in data.items() if k != "graphgov"}
    merged.update(table)
    return merged


def _validate(values: Mapping[str, Any]) -> None:
    if values["engine"] not in ("local", "dask"):
        msg = f"setting 'engine' must be local or dask, not {values['engine']!r}"
        raise ConfigError(msg)
    if values["dask_workers"] < 1:
        msg = "setting 'dask_workers' must be at least 1"
        raise ConfigError(msg)
    if values["dask_timeout"] <= 0:
        msg = "setting 'dask_timeout' must be greater than 0"
        raise ConfigError(msg)
    if not 1 <= values["default_criticality"] <= 5:
        msg = "setting 'default_criticality' must be between 1 and 5"
        raise ConfigError(msg)
    bounds = [values["tier_costly"], values["tier_entrenched"], values["tier_irreversible"]]
    if not 0 <= bounds[0] <= bounds[1] <= bounds[2] <= 100:
        msg = "tier bounds must satisfy 0 <= tier_costly <= tier_entrenched <= tier_irreversible <= 100"
        raise ConfigError(msg)
    weights = [
        values[n]
        for n in (
            "weight_reach",
            "weight_hard",
            "weight_depth",
            "weight_sinks",
            "weight_spread",
            "weight_age",
        )
    ]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        msg = "irreversibility weights must be >= 0 and not all 0"
        raise ConfigError(msg)
    for name in (
        "reach_saturation",
        "reach_log_scale",
        "depth_saturation",
        "sinks_saturation",
        "spread_saturation",
        "age_saturation_days",
    ):
        if values[name] <= 0:
            msg = f"setting '{name}' must be greater than 0"
            raise ConfigError(msg)


def default_settings() -> Settings:
    """Defaults only (no file, no environment)."""
    values = {s.name: s.default for s in SETTINGS}
    return Settings(values, {s.name: "default" for s in SETTINGS})


def settings_markdown() -> str:
    """The README's settings table, generated from :data:`SETTINGS` (the tests compare the two)."""
    lines = ["| setting | default | type | what it does |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = (
            ", ".join(s.default)
            if isinstance(s.default, list)
            else ("today" if s.default is None else s.default)
        )
        if isinstance(default, bool):
            default = str(default).lower()
        if default == "":
            default = "(none)"
        lines.append(f"| `{s.name}` | `{default}` | {s.type} | {s.help} |")
    return "\n".join(lines) + "\n"
