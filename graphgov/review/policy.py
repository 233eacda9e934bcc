"""The review policy: verdict thresholds and gate rules, read from a YAML file with documented defaults.

A policy file is one YAML mapping; every key is optional and falls back to its default::

    version: 1
    assumption_window_days: 180        # assumptions reviewed longer ago are stale
    drill_window_days: 365             # a safe state counts only with a drill this recent
    top_tier_at: 75                    # irreversibility at which a system is not terminable
    termination_authority_required_at: 50   # at or above this, no named termination authority: not terminable
    critical_criticality: 4            # failure-set members this critical need a credited safe state
    gradient_horizon_quarters: 2       # crossing top_tier_at within this many quarters is a warning
    required_authorities: [authorized_by, monitored_by, recalibration, termination]
    unnamed_authority_words: [tbd, tbc, todo, unknown, none, n/a, na, "-", "?", nobody, unassigned]
    require_assumptions: true          # no documented assumption is an audit gap
    require_readiness_gate: true       # no scale-readiness gate record is a governance gap
    ignore_reasons: []                 # reason codes to leave out (see graphgov.review.verdict.REASONS)
    gate:
      rules: [termination-authority-above-tier, shadow-production-without-gate, critical-hard-dependent]
      authority_tier: entrenched       # termination-authority-above-tier applies from this tier up

Unknown keys and values of the wrong type are errors naming the file and line (exit status 3;
``graphgov gate`` exits 2 on them). The YAML is read safely (no tags, no alias bombs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from ..model import AUTHORITY_ROLES, Tier

GATE_RULES = {
    "termination-authority-above-tier": "GG001",
    "shadow-production-without-gate": "GG002",
    "critical-hard-dependent": "GG003",
    "not-terminable": "GG004",
}
DEFAULT_GATE_RULES = (
    "termination-authority-above-tier",
    "shadow-production-without-gate",
    "critical-hard-dependent",
)
DEFAULT_UNNAMED = (
    "tbd",
    "tbc",
    "todo",
    "unknown",
    "none",
    "n/a",
    "na",
    "-",
    "?",
    "nobody",
    "unassigned",
    "vacant",
)
TIERS = tuple(t.value for t in Tier)


@dataclass(frozen=True)
class Policy:
    """Verdict thresholds and gate rules. ``source`` says where it was read from."""

    assumption_window_days: int = 180
    drill_window_days: int | None = None  # None: the setting drill_window_days
    top_tier_at: float = 75.0
    termination_authority_required_at: float = 50.0
    critical_criticality: int = 4
    gradient_horizon_quarters: float = 2.0
    required_authorities: tuple[str, ...] = AUTHORITY_ROLES
    unnamed_authority_words: tuple[str, ...] = DEFAULT_UNNAMED
    require_assumptions: bool = True
    require_readiness_gate: bool = True
    ignore_reasons: tuple[str, ...] = ()
    gate_rules: tuple[str, ...] = DEFAULT_GATE_RULES
    gate_authority_tier: str = Tier.ENTRENCHED.value
    source: str = field(default="default policy", compare=False)

    def settings_for(self, settings: Any) -> Any:
        """``settings`` with the policy's drill window, so that metrics and verdicts credit safe states alike."""
        if self.drill_window_days is None or self.drill_window_days == settings.drill_window_days:
            return settings
        return settings.replace(drill_window_days=self.drill_window_days)

    def drill_window(self, settings: Any) -> int:
        return int(
            self.drill_window_days
            if self.drill_window_days is not None
            else settings.drill_window_days
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as stored in snapshots."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, tuple):
                out[key] = list(value)
        return out

    def named(self, value: Any) -> str | None:
        """The name in an authority field, or None when it is empty or a placeholder (an unnamed authority is an absent one).

        >>> Policy().named(" TBD "), Policy().named("Chief Risk Officer"), Policy().named(None)
        (None, 'Chief Risk Officer', None)
        """
        if value is None:
            return None
        text = str(value).strip()
        if not text or text.lower() in self.unnamed_authority_words:
            return None
        return text


DEFAULT_POLICY = Policy()

_INT = ("assumption_window_days", "drill_window_days", "critical_criticality")
_NUM = ("top_tier_at", "termination_authority_required_at", "gradient_horizon_quarters")
_BOOL = ("require_assumptions", "require_readiness_gate")
_LIST = ("required_authorities", "unnamed_authority_words", "ignore_reasons")
_KEYS = {"version", "gate", *_INT, *_NUM, *_BOOL, *_LIST}


def policy_from_dict(data: Any, source: str = "policy") -> Policy:
    """Build a policy from a mapping (as read from YAML or a snapshot), checking every key and value.

    >>> policy_from_dict({"top_tier_at": "80", "gate": {"rules": ["not-terminable"]}}).gate_rules
    ('not-terminable',)
    """
    from ..ingest.yamlsafe import line_of

    def where(container: Any, key: Any) -> str:
        line = line_of(container, key, 0)
        return f"{source}:{line}" if line else source

    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(
            f"{where(data, None)}: a policy is a mapping of settings such as top_tier_at: 75"
        )
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where(data, unknown[0])}: unknown policy key '{unknown[0]}' — known keys: {', '.join(sorted(_KEYS))}"
        )
    version = data.get("version")
    if version is not None and str(version).strip() != "1":
        raise ConfigError(
            f"{where(data, 'version')}: policy version {version!r} is not supported — this graphgov reads version 1"
        )
    changes: dict[str, Any] = {}
    for key in _INT:
        if data.get(key) is not None:
            changes[key] = _number(data[key], int, where(data, key), key, minimum=0)
    for key in _NUM:
        if data.get(key) is not None:
            changes[key] = _number(data[key], float, where(data, key), key, minimum=0)
    for key in _BOOL:
        if data.get(key) is not None:
            changes[key] = _bool(data[key], where(data, key), key)
    for key in _LIST:
        if data.get(key) is not None:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where(data, key)}: {key} must be a list of words")
            changes[key] = tuple(
                v.strip().lower() if key == "unnamed_authority_words" else v.strip() for v in value
            )
    roles = changes.get("required_authorities", ())
    bad = [r for r in roles if r not in AUTHORITY_ROLES]
    if bad:
        raise ConfigError(
            f"{where(data, 'required_authorities')}: unknown authority '{bad[0]}' — use {', '.join(AUTHORITY_ROLES)}"
        )
    from .verdict import REASONS

    bad = [r for r in changes.get("ignore_reasons", ()) if r not in REASONS]
    if bad:
        raise ConfigError(
            f"{where(data, 'ignore_reasons')}: unknown reason code '{bad[0]}' — known codes: {', '.join(REASONS)}"
        )
    crit = changes.get("critical_criticality")
    if crit is not None and not 1 <= crit <= 5:
        raise ConfigError(
            f"{where(data, 'critical_criticality')}: critical_criticality must be from 1 to 5, got {crit}"
        )
    gate = data.get("gate")
    if gate is not None:
        if not isinstance(gate, Mapping):
            raise ConfigError(
                f"{where(data, 'gate')}: gate must be a mapping with rules and authority_tier"
            )
        unknown = sorted(set(map(str, gate)) - {"rules", "authority_tier"})
        if unknown:
            raise ConfigError(
                f"{where(gate, unknown[0])}: unknown gate key '{unknown[0]}' — known keys: authority_tier, rules"
            )
        rules = gate.get("rules")
        if rules is not None:
            if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
                raise ConfigError(
                    f"{where(gate, 'rules')}: gate.rules must be a list of rule names"
                )
            bad = [r for r in rules if r.strip() not in GATE_RULES]
            if bad:
                raise ConfigError(
                    f"{where(gate, 'rules')}: unknown gate rule '{bad[0]}' — known rules: {', '.join(GATE_RULES)}"
                )
            changes["gate_rules"] = tuple(r.strip() for r in rules)
        tier = gate.get("authority_tier")
        if tier is not None:
            if str(tier).strip().lower() not in TIERS:
                raise ConfigError(
                    f"{where(gate, 'authority_tier')}: gate.authority_tier must be one of {', '.join(TIERS)}, got {tier!r}"
                )
            changes["gate_authority_tier"] = str(tier).strip().lower()
    if (
        changes.get("top_tier_at", 75.0) > 100
        or changes.get("termination_authority_required_at", 50.0) > 100
    ):
        raise ConfigError(f"{source}: irreversibility thresholds are between 0 and 100")
    return replace(DEFAULT_POLICY, source=source, **changes)


def _number(value: Any, kind: type, where: str, key: str, minimum: float) -> Any:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
    try:
        number = kind(str(value).strip()) if kind is float else int(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"{where}: {key} must be a {'whole number' if kind is int else 'number'}, got {value!r}"
        ) from None
    if number != number or number < minimum or number in (float("inf"), float("-inf")):
        raise ConfigError(
            f"{where}: {key} must be a finite number of at least {minimum:g}, got {value!r}"
        )
    return number


def _bool(value: Any, where: str, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0"}:
        return False
    raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")


def load_policy(path: str | os.PathLike[str] | None = None, max_bytes: int = 1 << 20) -> Policy:
    """Read a policy file (YAML), or the default policy when ``path`` is None."""
    if path is None:
        return DEFAULT_POLICY
    from ..ingest.text import decode
    from ..ingest.yamlsafe import load_all

    p = Path(path)
    source = str(path)
    if not p.is_file():
        raise InputError(f"{source}: no such policy file — check the --policy path")
    data = p.read_bytes()
    if len(data) > max_bytes:
        raise InputError(
            f"{source}: a policy file of {len(data)} bytes is too large (limit {max_bytes})"
        )
    text = decode(data, source, "utf-8", "YAML")
    docs = load_all(text, source, max_nesting=50, alias_budget=1000)
    if len(docs) > 1:
        raise ConfigError(f"{source}:{docs[1][0]}: a policy file holds one YAML document")
    return policy_from_dict(docs[0][1] if docs else {}, source)
