"""Every rule newsqc ships, in one literal table of rule id -> ``"module:Class"`` (a test checks ids, docs
and test cases).

The table names the classes without importing them: importing every rule module (all families, their
lexicon code, numpy and polars users) cost every process the whole catalogue even with ``--select
near-duplicate``. ``rule_class`` imports one rule on first use; ``all_rules`` imports them all (``qc rules``,
tests). ``RULES`` and ``BY_ID`` still work, lazily (a module ``__getattr__``), and import everything.

What the pack needs before a run (family, default severity and fix, corpus or document rule, option names,
types and defaults) is in the generated ``qc/rule_schema.py``; regenerate it after changing a rule's
class attributes or ``Options``::

    PYTHONPATH=$PWD python -m qc.registry
"""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qc.rule import Rule

RULE_TABLE: dict[str, str] = {
    # --- encoding ---
    "encoding/invalid-utf8": "qc.encoding.invalid_utf8:InvalidUtf8",
    "encoding/mojibake": "qc.encoding.mojibake:Mojibake",
    "encoding/html-entity": "qc.encoding.html_entity:HtmlEntity",
    "encoding/replacement-char": "qc.encoding.replacement_char:ReplacementChar",
    "encoding/control-char": "qc.encoding.control_char:ControlChar",
    "encoding/nbsp": "qc.encoding.nbsp:Nbsp",
    "encoding/glued-words": "qc.encoding.glued_words:GluedWords",
    "encoding/homoglyph": "qc.encoding.homoglyph:Homoglyph",
    # --- untranslated ---
    "untranslated/ui-string": "qc.untranslated.ui_string:UiString",
    "untranslated/foreign-script": "qc.untranslated.foreign_script:ForeignScript",
    "untranslated/foreign-language": "qc.untranslated.foreign_language:ForeignLanguage",
    # --- mt-artifact ---
    "mt-artifact/transliteration": "qc.mt_artifact.transliteration:Transliteration",
    "mt-artifact/source-acronym": "qc.mt_artifact.source_acronym:SourceAcronym",
    "mt-artifact/gender-leak": "qc.mt_artifact.gender_leak:GenderLeak",
    "mt-artifact/title-casing": "qc.mt_artifact.title_casing:TitleCasing",
    "mt-artifact/number-format": "qc.mt_artifact.number_format:NumberFormat",
    "mt-artifact/quote-marks": "qc.mt_artifact.quote_marks:QuoteMarks",
    "mt-artifact/calque": "qc.mt_artifact.calque:Calque",
    "mt-artifact/repeated-headline": "qc.mt_artifact.repeated_headline:RepeatedHeadline",
    "mt-artifact/name-variants": "qc.mt_artifact.name_variants:NameVariants",
    "mt-artifact/machine-translated": "qc.mt_artifact.machine_translated:MachineTranslated",
    # --- boilerplate ---
    "boilerplate/leading": "qc.boilerplate.leading:Leading",
    "boilerplate/trailing": "qc.boilerplate.trailing:Trailing",
    "boilerplate/inner": "qc.boilerplate.inner:Inner",
    "boilerplate/repeated-block": "qc.boilerplate.repeated_block:RepeatedBlock",
    "boilerplate/cross-document": "qc.boilerplate.cross_document:CrossDocument",
    # --- near-duplicate ---
    "near-duplicate/exact": "qc.near_duplicate.exact:ExactDuplicate",
    "near-duplicate/near-duplicate": "qc.near_duplicate.near_duplicate:NearDuplicate",
}

RULE_IDS: tuple[str, ...] = tuple(RULE_TABLE)  # registry order


@functools.cache
def rule_class(rule_id: str) -> type[Rule]:
    """The class of rule ``rule_id``, its module imported on first use; KeyError for an unknown id."""
    module, name = RULE_TABLE[rule_id].split(":")
    cls = getattr(importlib.import_module(module), name)
    if cls.id != rule_id:
        raise RuntimeError(f"qc.registry: {RULE_TABLE[rule_id]} has id {cls.id!r}, not {rule_id!r}")
    return cls


def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class in registry order (imports every rule module)."""
    return tuple(rule_class(rid) for rid in RULE_TABLE)


def __getattr__(name: str) -> Any:
    """``RULES`` (every class, registry order) and ``BY_ID`` (id -> class), built on first access."""
    if name == "RULES":
        return all_rules()
    if name == "BY_ID":
        return {cls.id: cls for cls in all_rules()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SCHEMA_PATH = Path(__file__).with_name("rule_schema.py")


def current_schema() -> dict[str, dict[str, Any]]:
    """The schema of every rule as its class states it (imports every rule)."""
    from qc.rule import rule_schema

    return {rid: rule_schema(rule_class(rid)) for rid in RULE_TABLE}


def render_schema(schema: dict[str, dict[str, Any]]) -> str:
    """The source of ``qc/rule_schema.py`` for ``schema``: a literal dict, one key per line (reviewable
    diffs, ruff clean), the same text for the same schema."""
    lines = [
        '"""What pack validation needs of every rule, without importing it. GENERATED: do not edit;',
        "regenerate with `PYTHONPATH=$PWD python -m qc.registry` (tests/test_registry.py checks it).",
        "",
        "Per rule id: family, default severity, fixes, fix_by_default, corpus (a CorpusRule), and options:",
        'name -> (type name, default), in the Options dataclass\'s field order."""',
        "",
        "from typing import Any",
        "",
        "RULE_SCHEMA: dict[str, dict[str, Any]] = {",
    ]
    for rid, entry in schema.items():
        lines.append(f"    {_literal(rid)}: {{")
        for key, value in entry.items():
            if key != "options":
                lines.append(f"        {_literal(key)}: {_literal(value)},")
        lines.append('        "options": {' + ("" if entry["options"] else "},"))
        for name, (kind, default) in entry["options"].items():
            line = f"            {_literal(name)}: ({_literal(kind)}, {_literal(default)}),"
            if len(line) > 120 and isinstance(default, tuple):
                lines.append(f"            {_literal(name)}: ({_literal(kind)}, (")
                lines.extend(f"                {_literal(item)}," for item in default)
                lines.append("            )),")
            else:
                lines.append(line)
        if entry["options"]:
            lines.append("        },")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _literal(value: Any) -> str:
    """A Python literal for ``value``, strings double-quoted where that needs no escapes."""
    if isinstance(value, str):
        text = repr(value)
        return f'"{value}"' if text == f"'{value}'" and '"' not in value else text
    if isinstance(value, tuple):
        inner = ", ".join(map(_literal, value))
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def write_schema(path: Path = SCHEMA_PATH) -> bool:
    """Write ``qc/rule_schema.py`` from the classes; True when its text changed."""
    text = render_schema(current_schema())
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    changed = write_schema()
    print(f"{SCHEMA_PATH}: {'written' if changed else 'unchanged'}", file=sys.stderr)
