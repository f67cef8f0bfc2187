"""The ``qc`` command line: audit, gate, clean, rules, explain.

Exit codes are decided here and only here: 0 success (gate held), 1 gate failed, 2 usage, input or
rule-pack error. Progress and tables go to stderr when stdout carries machine-readable output.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import inspect
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import NoReturn

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qc import __version__
from qc.executor import ExecutorError
from qc.gate import render
from qc.near_duplicate import index as nd_index
from qc.pack import Pack, PackError, load_pack
from qc.readers import DEFAULT_MAX_BYTES, InputError, ReadOptions, as_input, input_exists, input_name, is_url
from qc.registry import RULE_TABLE, all_rules, rule_class
from qc.remote_out import OutputError, resolve, staged
from qc.runner import AuditConfig, AuditResult, run_audit
from qc.writers import pretty_json

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE = 0, 1, 2
NEAR_DUPLICATE = "near-duplicate/near-duplicate"
_EMPTY_ROWS = pl.DataFrame()
HTML_MAX_DOCS = 200_000
PLAIN_PROGRESS_SECONDS = 30.0  # progress lines when stderr is not a terminal


class UsageError(Exception):
    pass


def _csv(values: Sequence[str] | None) -> list[str]:
    return [v for item in values or () for v in item.split(",") if v.strip()]


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


class _Parser(argparse.ArgumentParser):
    """argparse, plus the nearest known flag for a misspelt one (``suggest_on_error`` is Python 3.14+)."""

    def error(self, message: str) -> NoReturn:
        unknown = message.removeprefix("unrecognized arguments: ")
        if unknown != message:
            known = sorted(_option_strings(self))
            hints = [f"{arg} (did you mean {close[0]}?)" for arg in unknown.split() if arg.startswith("-")
                     and (close := difflib.get_close_matches(arg.split("=", 1)[0], known, n=1, cutoff=0.6))]
            if hints:
                message = f"unrecognized arguments: {'; '.join(hints)}"
        super().error(message)


def _chosen_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser that ``args`` were parsed by: ``qc index add`` -> the ``add`` parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and getattr(args, action.dest, None) in action.choices:
            return _chosen_parser(action.choices[getattr(args, action.dest)], args)
    return parser


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every ``--flag`` of ``parser`` and its subcommands."""
    out = {o for o in parser._option_string_actions if o.startswith("--")}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= _option_strings(sub)
    return out


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", type=as_input,
                   help="a .txt file, a directory, a .jsonl[.gz] or a .parquet file; or an fsspec URL of one "
                        "(s3://, gs://, https://...; needs fsspec and the store's package)")
    p.add_argument("--out", type=as_input, help="output folder (default: reports/<input name>/), or an fsspec URL "
                   "(staged locally, then uploaded with summary.json last)")
    p.add_argument("--pack", type=Path, help="rule pack TOML (default: the built-in rules/default.toml)")
    p.add_argument("--select", action="append", metavar="RULES",
                   help="rule ids or families to run, comma-separated (replaces the pack's select)")
    p.add_argument("--ignore", action="append", metavar="RULES", help="rule ids or families to skip")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.add_argument("--glob", default="*.txt", help="file pattern inside a directory (default: *.txt)")
    p.add_argument("--id-field", default="id", help="JSONL/Parquet id field (default: id)")
    p.add_argument("--text-field", default="text", help="JSONL/Parquet text field (default: text)")
    p.add_argument("--max-bytes", type=_positive_int, default=DEFAULT_MAX_BYTES,
                   help="documents larger than this are reported, not analysed")
    p.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="where the per-document pass runs (ray needs: pip install 'newsqc[ray]')")
    p.add_argument("--address", help="Ray cluster address (default: a local Ray instance sized to the machine)")
    p.add_argument("--shard-size", type=int, default=0, metavar="N",
                   help="JSONL/Parquet input: write the clean output as clean/part-NNNNN.* of N documents each")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary table")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qc", description="newsqc: quality audit, CI gate and cleaning "
                                     "for scraped news corpora.")
    parser.add_argument("--version", action="version", version=f"newsqc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    audit = sub.add_parser("audit", help="audit a corpus: per-file reports, summary and cleaned output")
    _add_run_options(audit)
    audit.add_argument("--html", action=argparse.BooleanOptionalAction, default=None,
                       help=f"write report.html (default: on up to {HTML_MAX_DOCS:,} documents)")

    gate = sub.add_parser("gate", help="audit and judge the pack's [gate] policy: exit 0 held, 1 broken")
    _add_run_options(gate)
    gate.add_argument("--format", choices=("text", "json", "github", "junit"), default="text",
                      help="how to print the verdict on stdout (default: text)")

    for cmd in (audit, gate):
        cmd.add_argument("--index", type=Path, metavar="DIR",
                         help="also find near-duplicates of documents in this persistent index (qc index build)")
    gate.add_argument("--add-to-index", action="store_true",
                      help="with --index: add this corpus to the index when the gate passes")

    clean = sub.add_parser("clean", help="write cleaned output and the edit log only")
    _add_run_options(clean)

    index = sub.add_parser("index", help="a persistent near-duplicate index to gate new batches against")
    isub = index.add_subparsers(dest="index_command", required=True)
    for name, text in (("build", "a new index from a corpus"), ("add", "add a corpus to an existing index")):
        p = isub.add_parser(name, help=text)
        p.add_argument("index_dir", type=Path, metavar="DIR")
        _add_run_options(p)
    stats = isub.add_parser("stats", help="documents, parts, size and settings of an index")
    stats.add_argument("index_dir", type=Path, metavar="DIR")

    rules = sub.add_parser("rules", help="list every rule, one line each")
    rules.add_argument("--pack", type=Path)

    explain = sub.add_parser("explain", help="what a rule finds, why it matters, examples, how to tune")
    explain.add_argument("rule")
    explain.add_argument("--pack", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # reported by the subcommand's parser: its usage, its flags to suggest from
        _chosen_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    err = Console(stderr=True)
    try:
        return _dispatch(args, err)
    except (InputError, OutputError, PackError, UsageError, ExecutorError, nd_index.IndexUnusable) as exc:
        err.print(f"[bold red]qc: error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        return EXIT_USAGE
    except OSError as exc:  # the machine, not the code: a full disk, a folder that became unwritable
        where = f": {exc.filename}" if exc.filename else ""
        err.print(f"[bold red]qc: error:[/] {escape((exc.strerror or str(exc)) + where)}", highlight=False,
                  markup=True, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("qc: interrupted")
        return 130


def _dispatch(args: argparse.Namespace, err: Console) -> int:
    if args.command == "rules":
        return _cmd_rules(load_pack(args.pack))
    if args.command == "explain":
        return _cmd_explain(args.rule, load_pack(args.pack))
    if args.command == "index" and args.index_command == "stats":
        print(pretty_json(nd_index.stats(args.index_dir)), end="")
        return EXIT_OK
    pack = load_pack(args.pack, select=_csv(args.select) or None, ignore=_csv(args.ignore))
    if getattr(args, "index", None) is not None:
        if not args.index.is_dir():
            raise UsageError(f"--index {args.index}: no such index (create one with `qc index build`)")
        pack = pack.with_rule_options(NEAR_DUPLICATE, index=str(args.index))
    if (args.command == "index" or getattr(args, "index", None) is not None) and NEAR_DUPLICATE not in pack.selected:
        raise UsageError(f"the index needs {NEAR_DUPLICATE} selected")
    if args.command == "index":
        return _cmd_index(args, pack, err)
    if not input_exists(args.path):
        raise InputError(f"input not found: {args.path}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.shard_size < 0:
        raise UsageError("--shard-size must be 0 (no shards) or more")
    if getattr(args, "add_to_index", False) and args.index is None:
        raise UsageError("--add-to-index needs --index DIR")
    out: str | Path = args.out or _default_out(args.command, args.path)
    _check_out_outside_input(out, args.path)
    remote = resolve(out) if isinstance(out, str) else None  # fail fast on a bad URL, before the run
    if remote is None:
        _check_out_dir(Path(out))
    html = getattr(args, "html", False)  # None: on unless the corpus is larger than HTML_MAX_DOCS
    with staged(remote) if remote else nullcontext(Path(out)) as local:
        cfg = AuditConfig(
            input=args.path, out=local, pack=pack, jobs=args.jobs, reports=args.command != "clean",
            read=ReadOptions(glob=args.glob, id_field=args.id_field, text_field=args.text_field,
                             max_bytes=args.max_bytes),
            texts=html is not False, executor=args.executor, address=args.address,
            keep_rows=bool(getattr(args, "add_to_index", False)), shard_size=args.shard_size,
        )
        result = _run_with_progress(cfg, err, quiet=args.quiet)
        record = result.gate
        if cfg.texts:
            _write_html(local, result, html_requested=html is True, err=err)
    where = str(out).rstrip("/")  # the URL, not the (removed) staging folder
    if args.command == "gate":
        if not args.quiet:
            _print_summary(result, err, where)
        print(render(record, args.format, result.fail_on_hits, result.summary, result.failed))
        if record["passed"] and args.add_to_index:
            added = nd_index.add(args.index, result.rows.get(NEAR_DUPLICATE, _EMPTY_ROWS), result.ids)
            err.print(f"qc: added {result.summary['documents_in']} documents to {args.index} "
                      f"({added.get('documents', '?')} indexed)", highlight=False)
        return EXIT_OK if record["passed"] else EXIT_GATE_FAILED
    if not args.quiet:
        _print_summary(result, Console(), where)
    return EXIT_OK


def _default_out(command: str, src: str | Path) -> Path:
    """``reports/<input name>/``; the gate's own ``reports/<input name>-gate/``, so that gating a corpus
    never replaces its audit (e.g. the committed ``reports/seeds/``)."""
    name = input_name(src).split(".")[0] or "input"
    return Path("reports") / (f"{name}-gate" if command == "gate" else name)


# Kernel and device filesystems: writable-looking for root, but no place for files.
_PSEUDO_FS = (Path("/proc"), Path("/sys"), Path("/dev"))


def _check_out_dir(out: Path) -> None:
    """A local ``--out`` that can hold the outputs: a bad one is one line and exit 2 before the run,
    not a traceback after it. Nothing is created yet (the runner does that once the executor works)."""
    where = out.resolve()
    if any(where == p or p in where.parents for p in _PSEUDO_FS):
        raise UsageError(f"--out {out}: {where.parts[1]} is a kernel filesystem, not a place for outputs")
    existing = next(p for p in (where, *where.parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"--out {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: {existing} is not writable")


def _check_out_outside_input(out: str | Path, src: str | Path) -> None:
    """Writing into the input would feed outputs back into later runs (or overwrite documents):
    ``--out`` may not be the input folder or lie inside it, nor be a single-file input's folder (a
    later audit of that folder would read ``clean/*.txt`` back in), and the input may not lie in the
    folders the run rewrites (``clean/``, ``files/``)."""
    if isinstance(out, Path) and isinstance(src, Path):
        o, i = out.resolve(), src.resolve()
        rewritten = (o / "clean", o / "files")
        inside = (o == i or i in o.parents or (i.is_file() and o == i.parent)
                  or any(i == r or r in i.parents for r in rewritten))
    elif isinstance(out, str) and isinstance(src, str):
        prefix = src.rstrip("/")
        inside = out.rstrip("/") == prefix or out.startswith(prefix + "/")
    else:
        inside = False  # one local, one remote: never the same place
    if inside:
        raise UsageError(f"--out {out} lies inside the input; choose another folder")


def _cmd_index(args: argparse.Namespace, pack: Pack, err: Console) -> int:
    """Audit the corpus (same pack, so shingles are taken from the same cleaned text), then index it."""
    if is_url(args.out):
        raise UsageError("--out must be a local folder for qc index")
    if not input_exists(args.path):
        raise InputError(f"input not found: {args.path}")
    with tempfile.TemporaryDirectory(prefix="qc-index-") as tmp:
        cfg = AuditConfig(input=args.path, out=args.out or Path(tmp), pack=pack, jobs=args.jobs, keep_rows=True,
                          read=ReadOptions(glob=args.glob, id_field=args.id_field, text_field=args.text_field,
                                           max_bytes=args.max_bytes),
                          executor=args.executor, address=args.address)
        result = _run_with_progress(cfg, err, quiet=args.quiet)
    rows = result.rows.get(NEAR_DUPLICATE, _EMPTY_ROWS)
    if args.index_command == "build":
        setting = pack.settings[NEAR_DUPLICATE]  # the one rule whose settings the index records
        rule = rule_class(NEAR_DUPLICATE)(options=setting.options, severity=setting.severity)
        info = nd_index.build(args.index_dir, rows, result.ids, nd_index.settings_of(rule))
    else:
        info = nd_index.add(args.index_dir, rows, result.ids)
    print(pretty_json(info), end="")
    return EXIT_OK


def _write_html(out: Path, result: AuditResult, *, html_requested: bool, err: Console) -> None:
    """report.html from the finished outputs; texts.jsonl is only its input and goes afterwards."""
    from qc.html_report import write_html_report

    texts = out / "texts.jsonl"
    try:
        if html_requested or result.summary["documents_in"] <= HTML_MAX_DOCS:
            write_html_report(out)
        else:
            err.print(f"qc: {result.summary['documents_in']:,} documents: report.html skipped "
                      f"(default limit {HTML_MAX_DOCS:,}); pass --html to write it anyway", highlight=False)
    finally:
        texts.unlink(missing_ok=True)


def _run_with_progress(cfg: AuditConfig, err: Console, quiet: bool) -> AuditResult:
    """A live bar on a terminal; otherwise (a CI log, a Ray job's log) a line every
    ``PLAIN_PROGRESS_SECONDS``, so long runs show they are alive and short ones stay quiet."""
    if quiet:
        return run_audit(cfg)
    if not err.is_terminal:
        start = last = time.monotonic()

        def report(n: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PLAIN_PROGRESS_SECONDS:
                last = now
                err.print(f"qc: {n:,} documents audited ({n / max(now - start, 1e-9):,.0f} docs/s)",
                          highlight=False)

        cfg.progress = report
        return run_audit(cfg)
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("auditing"), BarColumn(), TextColumn("{task.completed} docs"),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("audit", total=None)
        cfg.progress = lambda n: progress.update(task, completed=n)
        return run_audit(cfg)


def _print_summary(result: AuditResult, console: Console, where: str | None = None) -> None:
    """The run's counts; ``where`` names the outputs when they are not ``result.out`` (a URL --out)."""
    s = result.summary
    table = Table(title=f"newsqc: {s['documents_in']} documents, reports in {where or result.out}/",
                  title_justify="left", min_width=60)
    table.add_column("what")
    table.add_column("count", justify="right")
    for verdict in ("pass", "warn", "fail"):
        table.add_row(f"verdict {verdict}", str(s["verdicts"][verdict]))
    table.add_row("unreadable", str(s["errors"]))
    table.add_row("documents out", str(s["documents_out"]))
    table.add_row("characters removed", f"{s['removed_chars']:,} of {s['chars_in']:,}")
    for rule, n in sorted(s["by_rule"].items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(rule, str(n))
    gate = s.get("gate")
    if gate is not None:
        table.add_row("gate", "passed" if gate["passed"] else "FAILED")
    table.add_row("seconds", f"{s['timings']['total_seconds']:.2f}")
    console.print(table)


def _cmd_rules(pack: Pack) -> int:
    print(f"{'RULE':38} {'SEL':3} {'SEVERITY':7} {'FIX':3}  SUMMARY")
    for cls in all_rules():
        on = "on " if cls.id in pack.selected else "off"
        setting = pack.settings[cls.id]
        fix = "fix" if setting.fix else "   "
        print(f"{cls.id:38} {on} {setting.severity:7} {fix}  {cls.summary}")
    return EXIT_OK


def _cmd_explain(rule_id: str, pack: Pack) -> int:
    if rule_id not in RULE_TABLE:
        raise UsageError(f"unknown rule {rule_id!r} (see `qc rules`)")
    cls = rule_class(rule_id)
    doc = inspect.getdoc(sys.modules[cls.__module__]) or cls.summary
    setting = pack.settings[cls.id]
    print(doc)
    print()
    print(f"Default severity: {cls.severity}; in pack {pack.name}: {setting.severity}, "
          f"{'selected' if cls.id in pack.selected else 'not selected'}, "
          f"fix {'on' if setting.fix else 'off'}{'' if cls.fixes else ' (the rule only flags)'}.")
    fields = dataclasses.fields(cls.Options)
    if fields:
        print(f"Options ([rules.\"{cls.id}\"] in the pack):")
        for f in fields:
            print(f"  {f.name} = {getattr(setting.options, f.name)!r}  (default {getattr(cls.Options(), f.name)!r})")
    opts_doc = inspect.getdoc(cls.Options)
    if opts_doc and opts_doc != inspect.getdoc(object) and not opts_doc.startswith(cls.Options.__name__ + "("):
        print(textwrap.indent(opts_doc, "  "))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
