"""Rule packs: a TOML file that selects rules, sets severities, options, cleaning and the gate policy.

Selection follows ruff: a selector is a family (``encoding``), a rule id (``encoding/mojibake``) or
``ALL``; ``--select`` replaces the pack's ``select``, ``--ignore`` adds to its ``ignore``.

Loading a pack imports no rule: options are checked against the generated ``qc/rule_schema.py``, and a
rule's module is imported when its options or class are first needed (building the selected rules).
"""

from __future__ import annotations

import dataclasses
import gc
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qc import __version__
from qc.engine import DEFAULT_DOCUMENT_SECONDS
from qc.lexicon import builtin_rules_dir
from qc.model import FAMILIES, Severity
from qc.registry import RULE_IDS, rule_class
from qc.rule import Resources, Rule, RuleConfigError, check_options
from qc.rule_schema import RULE_SCHEMA


class PackError(ValueError):
    """The rule pack is malformed, or names a rule, family or key that does not exist."""


_TOP_KEYS = {"pack", "gate", "clean", "verdict", "rules"}
_RULE_META_KEYS = {"severity", "fix", "enabled"}


@dataclass(frozen=True, slots=True)
class Selector:
    """The rules named by a list of selectors (``ALL``, a family, a rule id), as ruff takes them.

    Every policy that names rules (``select``, ``ignore``, ``[gate] fail_on``, ``[clean]
    drop_documents``) holds one, expanded and validated when the pack loads: a typo is a pack error,
    never a policy that silently matches nothing, and a family means its rules everywhere."""

    names: tuple[str, ...] = ()  # as written, for reports
    rules: frozenset[str] = frozenset()  # the rule ids they expand to

    @classmethod
    def of(cls, names: Iterable[str], where: str = "selector") -> Selector:
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise PackError(f"{where}: expected a list of rule ids or families, got {names!r}")
        kept = tuple(n.strip() for n in names if n.strip())
        rules: set[str] = set()
        for sel in kept:
            if sel == "ALL":
                rules.update(RULE_IDS)
            elif sel in RULE_SCHEMA:
                rules.add(sel)
            elif sel.rstrip("/") in FAMILIES or any(r.startswith(sel.rstrip("/") + "/") for r in RULE_IDS):
                rules.update(r for r in RULE_IDS if r.startswith(sel.rstrip("/") + "/"))
            else:
                raise PackError(f"{where}: unknown rule or family {sel!r} (see `qc rules`)")
        return cls(kept, frozenset(rules))

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def split(self) -> list[Selector]:
        """One selector per name (the gate reports each ``fail_on`` entry on its own)."""
        return [Selector.of([n]) for n in self.names]


@dataclass(frozen=True, slots=True, kw_only=True)
class GatePolicy:
    """When ``qc gate`` fails. Fractions are of documents audited (errors included). The defaults are
    the default pack's, so a pack that leaves a key out behaves like the default pack."""

    min_documents: int = 1  # an empty input (a wrong path or glob, a failed export) is not a passed gate
    max_fail_fraction: float = 0.10
    max_warn_fraction: float = 1.0
    max_error_fraction: float = 0.0  # unreadable documents (binary, malformed JSON, ...)
    max_duplicate_rate: float = 0.30
    # rules (or families) failing the gate on any hit
    fail_on: Selector = field(default_factory=lambda: Selector.of(["encoding/invalid-utf8"]))


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanPolicy:
    """What cleaning does beyond applying the enabled rules' fixes."""

    # a finding of these rules drops the document from the clean output
    drop_documents: Selector = field(
        default_factory=lambda: Selector.of(["near-duplicate/exact", "near-duplicate/near-duplicate"]))


@dataclass(frozen=True, slots=True, kw_only=True)
class VerdictPolicy:
    """How findings make a verdict: any finding of a severity at or above ``fail_at`` fails the document."""

    fail_at: Severity = Severity.ERROR
    warn_at: Severity = Severity.WARNING


@dataclass(frozen=True)
class RuleSetting:
    """A rule's severity, fix switch and options in a pack. ``values`` is the pack's option table, checked
    against the schema; ``options`` (the rule's ``Options`` dataclass) is built on first use, which
    imports the rule's module: loading a pack imports no rule."""

    rule_id: str
    severity: Severity
    fix: bool
    values: tuple[tuple[str, Any], ...] = ()  # (option, value) as given (lists as tuples), table order
    _options: Any = field(default=None, repr=False, compare=False)

    @property
    def options(self) -> Any:
        if self._options is None:
            options = rule_class(self.rule_id).options_from(dict(self.values))
            object.__setattr__(self, "_options", options)
        return self._options

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled without the built options (a worker unpickling the pack imports no rule for it)."""
        return (RuleSetting, (self.rule_id, self.severity, self.fix, self.values))


class _LazyOptions(Mapping[str, Any]):
    """rule id -> options, built on lookup (``Resources.options_of``): no rule imported for the others."""

    def __init__(self, settings: Mapping[str, RuleSetting]):
        self._settings = settings

    def __getitem__(self, rule_id: str) -> Any:
        return self._settings[rule_id].options

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)


@dataclass(frozen=True)
class Pack:
    path: Path
    name: str
    selected: tuple[str, ...]  # rule ids, registry order
    settings: Mapping[str, RuleSetting]
    gate: GatePolicy = field(default_factory=GatePolicy)
    clean: CleanPolicy = field(default_factory=CleanPolicy)
    verdict: VerdictPolicy = field(default_factory=VerdictPolicy)
    document_seconds: float = DEFAULT_DOCUMENT_SECONDS  # [pack] per-document time budget (0: none)

    @property
    def search_path(self) -> tuple[Path, ...]:
        builtin = builtin_rules_dir()
        here = self.path.parent
        return (here,) if here == builtin else (here, builtin)

    def build(self, corpus_only: bool = False) -> list[Rule]:
        """Instantiate the selected rules (document and corpus rules alike), in registry order;
        ``corpus_only``: just the corpus rules (a driver whose workers run the document rules never
        builds those: ~2-7 s and a few hundred MB per process with the default pack).

        The rules' word lists and indexes live as long as the process: they are moved out of the cyclic
        garbage collector's reach (``gc.freeze``), which otherwise re-scans them on every full
        collection (measured: ~20 % of per-document time with the default pack). The collector is off
        while they load (unpickling millions of small objects triggers it over and over: ~10 % of the
        build's CPU time), then one full collection runs before the freeze."""
        resources = Resources(self.search_path, _LazyOptions(self.settings))
        out = []
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for rid in self.selected:
                if corpus_only and not RULE_SCHEMA[rid]["corpus"]:
                    continue  # not even imported
                s = self.settings[rid]
                out.append(rule_class(rid)(options=s.options, severity=s.severity, resources=resources))
        finally:
            if was_enabled:
                gc.enable()
        gc.collect()
        gc.freeze()
        return out

    def cache_key(self) -> tuple:
        """What the rules this pack builds depend on, for ``qc.cache.built_once`` (an approximate key is
        safe: a wrong one only lets workers build side by side)."""
        return (__version__, str(self.path.resolve()), self.selected,
                tuple((rid, self.settings[rid].values) for rid in self.selected))

    def with_rule_options(self, rule_id: str, **changes: Any) -> Pack:
        """The same pack with some options of one rule changed (command-line overrides)."""
        setting = self.settings[rule_id]
        settings = dict(self.settings)
        options = dataclasses.replace(setting.options, **changes)
        values = tuple({**dict(setting.values), **changes}.items())
        settings[rule_id] = RuleSetting(rule_id, setting.severity, setting.fix, values, options)
        return dataclasses.replace(self, settings=settings)

    def fix_enabled(self, rule_id: str) -> bool:
        return self.settings[rule_id].fix


def default_pack_path() -> Path:
    return builtin_rules_dir() / "default.toml"


def expand(selectors: Iterable[str], where: str = "selector") -> set[str]:
    """Rule ids named by selectors (families, ids, ``ALL``); an unknown selector is an error."""
    return set(Selector.of(list(selectors), where).rules)


def _policy(cls: type, table: Mapping[str, Any], where: str) -> Any:
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(table) - known)
    if unknown:
        raise PackError(f"[{where}]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    defaults = cls()
    values = {}
    for k, v in table.items():
        if isinstance(getattr(defaults, k), Selector):
            v = Selector.of(v, f"[{where}] {k}")
        elif cls is VerdictPolicy:
            v = _severity(v, where)
        values[k] = v
    return cls(**values)


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise PackError(f"{where}: severity must be one of info, warning, error; got {value!r}") from None


def load_pack(
    path: Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> Pack:
    """Read a pack file and apply command-line ``select``/``ignore`` on top of it."""
    path = Path(path) if path else default_pack_path()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise PackError(f"rule pack not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"rule pack {path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise PackError(f"{path}: unknown table(s) {', '.join(unknown)}")
    meta = data.get("pack", {})
    base_select = meta.get("select", ["ALL"])
    chosen = (expand(select, "--select") if select else expand(base_select, "[pack] select")) \
        - expand(meta.get("ignore", []), "[pack] ignore") - expand(ignore, "--ignore")

    rule_tables = data.get("rules", {})
    settings: dict[str, RuleSetting] = {}
    for rid in rule_tables:
        if rid not in RULE_SCHEMA:
            raise PackError(f"{path}: [rules.\"{rid}\"] names no rule (see `qc rules`)")
    for rid, schema in RULE_SCHEMA.items():
        table = dict(rule_tables.get(rid, {}))
        if table.pop("enabled", True) is False:
            chosen.discard(rid)
        severity = _severity(table.pop("severity", schema["severity"]), f"rules.{rid}")
        fix = bool(table.pop("fix", schema["fixes"] and schema["fix_by_default"]))
        try:
            values = check_options(rid, schema["options"], table)
        except RuleConfigError as exc:
            raise PackError(f"{path}: {exc}") from None
        settings[rid] = RuleSetting(rid, severity, fix and schema["fixes"], tuple(values.items()))
    return Pack(
        path=path.resolve(),
        name=meta.get("name", path.stem),
        selected=tuple(rid for rid in RULE_IDS if rid in chosen),
        settings=settings,
        gate=_policy(GatePolicy, data.get("gate", {}), "gate"),
        clean=_policy(CleanPolicy, data.get("clean", {}), "clean"),
        verdict=_policy(VerdictPolicy, data.get("verdict", {}), "verdict"),
        document_seconds=_seconds(meta.get("document_seconds", DEFAULT_DOCUMENT_SECONDS), path),
    )


def _seconds(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PackError(f"{path}: [pack] document_seconds must be a number of seconds >= 0; got {value!r}")
    return float(value)
