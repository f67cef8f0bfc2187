"""The rule interface.

A document rule implements ``check(doc) -> Iterable[Finding]``: no I/O, no global state; the runner
counts. A corpus rule (near-duplicates, lines repeated across documents) needs every document once, so
it works in two steps: ``sketch`` emits small rows per document in the streaming pass, and ``resolve``
turns all rows (a polars frame with a ``doc`` column, the document's ordinal) into ordinary findings.

Options are a frozen dataclass filled from the rule pack; unknown keys are an error. Lexicons come from
``Resources`` (the rule pack's folder, then the built-in ``rules/``), loaded once at construction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
import polars as pl

from qc.model import Document, Finding, Severity, excerpt


class RuleConfigError(ValueError):
    """A rule pack gave a rule an option it does not have, or a value of the wrong type."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NoOptions:
    """For rules without options."""


class Resources:
    """Read-only access to lexicons and data files of a rule pack (see ``qc.lexicon``)."""

    def __init__(self, search_path: tuple[Any, ...], rule_options: Mapping[str, Any] | None = None):
        from qc import lexicon

        self._lexicon = lexicon
        self.search_path = search_path
        self._rule_options = rule_options if rule_options is not None else {}  # the pack's: built lazily

    def options_of(self, rule_id: str) -> Any | None:
        """The options the pack gives rule ``rule_id`` (selected or not), for a service several rules
        share (the untranslated family's UI lexicon); None outside a pack."""
        return self._rule_options.get(rule_id)

    def lexicon(self, name: str) -> list[str]:
        """Lines of ``lexicons/<name>``: comments (``#``) and blank lines dropped, order kept."""
        return self._lexicon.read_lines(name, self.search_path)

    def toml(self, name: str) -> dict[str, Any]:
        return self._lexicon.read_toml(name, self.search_path)


class Rule:
    """Base class of per-document rules. Subclasses set the class attributes and ``check``."""

    id: ClassVar[str]  # "family/name"
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    fixes: ClassVar[bool] = False  # proposes fixes that cleaning applies (when the pack enables it)
    fix_by_default: ClassVar[bool] = True
    needs_lang: ClassVar[bool] = True  # reads doc.lang: the engine identifies the language only if a rule does
    Options: ClassVar[type] = NoOptions

    def __init__(
        self,
        options: Any | None = None,
        severity: Severity | None = None,
        resources: Resources | None = None,
    ):
        self.options = options if options is not None else self.Options()
        self.level = severity or type(self).severity
        self.resources = resources or default_resources()
        self.setup()

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]

    def setup(self) -> None:
        """Load lexicons and compile patterns once; called by ``__init__``."""

    def warm(self) -> None:
        """Load what ``check`` would otherwise load on first use (word indexes read from the on-disk
        cache): a process that only builds the pack for a cold cache calls it, so the pool's workers
        find every artefact written instead of each building one in the middle of its documents."""

    def check(self, doc: Document) -> Iterable[Finding]:
        raise NotImplementedError

    @staticmethod
    def prior_findings(doc: Document, rule_id: str) -> list[Finding] | None:
        """The findings rule ``rule_id`` already produced for ``doc`` in this pass (None if it did not run)."""
        return doc.memo.get(("findings", rule_id))

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        fix: str | None = None,
        score: float | None = None,
        severity: Severity | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Finding:
        return Finding(
            rule=self.id,
            family=self.family,
            severity=severity or self.level,
            start=start,
            end=end,
            excerpt=excerpt(doc.text, start, end),
            message=message,
            fix=fix,
            score=score,
            data=data,
        )

    @classmethod
    def options_from(cls, values: Mapping[str, Any]) -> Any:
        """Build the options dataclass from a pack table; unknown keys or wrong types are an error (the
        pack checked the same table against ``qc/rule_schema.py``; this checks it against the class)."""
        return cls.Options(**check_options(cls.id, rule_schema(cls)["options"], values))


OPTION_TYPES: dict[str, type | None] = {"bool": bool, "int": int, "float": float, "str": str, "tuple": tuple,
                                        "NoneType": None}


def rule_schema(cls: type[Rule]) -> dict[str, Any]:
    """What the pack validates of a rule, as plain literals (one entry of ``qc/rule_schema.py``):
    family, default severity and fix, whether it is a corpus rule, and its options as
    name -> (type name, default) in field order."""
    defaults = cls.Options()
    options: dict[str, tuple[str, Any]] = {}
    for f in dataclasses.fields(cls.Options):
        value = getattr(defaults, f.name)
        kind = type(value).__name__
        if OPTION_TYPES.get(kind, object) is not type(value) and value is not None:
            raise TypeError(f"{cls.id}: option {f.name} has a default of type {kind}; the schema holds "
                            f"{', '.join(OPTION_TYPES)}")
        options[f.name] = (kind, value)
    return {
        "family": cls.id.split("/", 1)[0],
        "severity": str(cls.severity),
        "fixes": cls.fixes,
        "fix_by_default": cls.fix_by_default,
        "corpus": issubclass(cls, CorpusRule),
        "options": options,
    }


def check_options(rule_id: str, options: Mapping[str, tuple[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (a pack table without severity/fix/enabled) checked against a rule's option schema
    (name -> (type name, default)), lists turned into tuples; unknown keys or wrong types are a
    ``RuleConfigError``. Shared by the pack (from ``qc/rule_schema.py``, no rule imported) and the rule
    class (from its ``Options``), so both give the same message."""
    unknown = sorted(set(values) - set(options))
    if unknown:
        raise RuleConfigError(f"{rule_id}: unknown option(s) {', '.join(unknown)}; known: "
                              f"{', '.join(sorted(options)) or 'none'}")
    for key, value in values.items():
        kind = options[key][0]
        expected = OPTION_TYPES[kind]
        if (expected is bool) != isinstance(value, bool) or (
            expected is not None
            and expected is not bool
            and not isinstance(value, expected)
            and not (expected is float and isinstance(value, int))
            and not (expected is tuple and isinstance(value, list))
        ):
            raise RuleConfigError(f"{rule_id}: option {key} expects {kind}, got {type(value).__name__}")
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items()}


@dataclass(slots=True)
class CorpusResult:
    """What a corpus rule's resolve step yields: findings per document ordinal, plus clusters."""

    findings: dict[int, list[Finding]] = field(default_factory=dict)
    cluster: dict[int, str] = field(default_factory=dict)
    duplicate_of: dict[int, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


class ResolveTasks(Protocol):
    """Where a corpus rule's resolve may run partition-parallel work: the executor of the run.

    ``map_tasks(fn, items, shared)`` returns ``[fn(shared, item) for item in items]``, computed in
    this process (local executor) or as one Ray task per item with ``shared`` put in the object store
    once; ``connected_components(edges)`` labels an edge list too large for one process (see
    ``qc.distributed``). ``task_workers`` is how many workers ``map_tasks`` spreads over: a rule
    partitions its work only when it is more than one (in-process tasks would just add copies).
    """

    task_workers: int

    def map_tasks(self, fn: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any = None) -> list[Any]: ...

    def connected_components(self, edges: pl.DataFrame) -> pl.DataFrame: ...


class CorpusRule(Rule):
    """Base class of rules that see the whole corpus: ``sketch`` per document, then ``resolve``.

    Findings from ``resolve`` may leave ``excerpt`` empty: the engine fills it from the text.
    ``sketch`` gets the document as read and its text after the per-document fixes (``clean``).
    ``resolve`` may hand large partitioned work to ``tasks``; its result must not depend on it.
    """

    def check(self, doc: Document) -> Iterable[Finding]:
        return ()

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        raise NotImplementedError

    def sketch_batch(self, docs: Sequence[Document], cleans: Sequence[str]) -> pl.DataFrame | None:
        """The sketch rows of a batch in one frame, its ``doc`` column the position in ``docs``.

        One frame per batch instead of one per document: building and concatenating small frames
        was a third of a near-duplicate run. The default loops over ``sketch``; a rule overrides it
        when it can build its columns at once. Rows must equal those of ``sketch``, in order.
        """
        frames = [(i, f) for i, (doc, clean) in enumerate(zip(docs, cleans, strict=True))
                  if (f := self.sketch(doc, clean)) is not None and f.height]
        return tag_ordinals(frames) if frames else None

    def resolve(self, rows: pl.DataFrame, ids: list[str], tasks: ResolveTasks | None = None) -> CorpusResult:
        """The corpus result over all sketch rows. A caller that keeps no reference to ``rows`` lets
        the rule free the columns it is done with during resolve (the runner does, unless it keeps
        the rows); ``rows`` itself is never changed."""
        raise NotImplementedError


_DEFAULT: Resources | None = None


def default_resources() -> Resources:
    global _DEFAULT
    if _DEFAULT is None:
        from qc.lexicon import builtin_rules_dir

        _DEFAULT = Resources((builtin_rules_dir(),))
    return _DEFAULT


def tag_ordinals(items: list[tuple[int, pl.DataFrame]]) -> pl.DataFrame:
    """One frame of sketch rows, with the ``doc`` column holding each row's number (batch position or
    document ordinal)."""
    frame = pl.concat([f for _, f in items], how="diagonal_relaxed")
    doc = np.repeat(np.array([o for o, _ in items], dtype=np.int64), [f.height for _, f in items])
    return frame.with_columns(pl.Series("doc", doc, dtype=pl.Int64))
