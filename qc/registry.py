"""Every rule newsqc ships, in one literal table (a test checks ids, docs and test cases)."""

from __future__ import annotations

from qc.boilerplate.cross_document import CrossDocument
from qc.boilerplate.inner import Inner
from qc.boilerplate.leading import Leading
from qc.boilerplate.repeated_block import RepeatedBlock
from qc.boilerplate.trailing import Trailing
from qc.encoding.control_char import ControlChar
from qc.encoding.glued_words import GluedWords
from qc.encoding.homoglyph import Homoglyph
from qc.encoding.html_entity import HtmlEntity
from qc.encoding.invalid_utf8 import InvalidUtf8
from qc.encoding.mojibake import Mojibake
from qc.encoding.nbsp import Nbsp
from qc.encoding.replacement_char import ReplacementChar
from qc.mt_artifact.calque import Calque
from qc.mt_artifact.gender_leak import GenderLeak
from qc.mt_artifact.machine_translated import MachineTranslated
from qc.mt_artifact.name_variants import NameVariants
from qc.mt_artifact.number_format import NumberFormat
from qc.mt_artifact.quote_marks import QuoteMarks
from qc.mt_artifact.repeated_headline import RepeatedHeadline
from qc.mt_artifact.source_acronym import SourceAcronym
from qc.mt_artifact.title_casing import TitleCasing
from qc.mt_artifact.transliteration import Transliteration
from qc.near_duplicate.exact import ExactDuplicate
from qc.near_duplicate.near_duplicate import NearDuplicate
from qc.rule import Rule
from qc.untranslated.foreign_language import ForeignLanguage
from qc.untranslated.foreign_script import ForeignScript
from qc.untranslated.ui_string import UiString

RULES: tuple[type[Rule], ...] = (
    # --- encoding ---
    InvalidUtf8,
    Mojibake,
    HtmlEntity,
    ReplacementChar,
    ControlChar,
    Nbsp,
    GluedWords,
    Homoglyph,
    # --- untranslated ---
    UiString,
    ForeignScript,
    ForeignLanguage,
    # --- mt-artifact ---
    Transliteration,
    SourceAcronym,
    GenderLeak,
    TitleCasing,
    NumberFormat,
    QuoteMarks,
    Calque,
    RepeatedHeadline,
    NameVariants,
    MachineTranslated,
    # --- boilerplate ---
    Leading,
    Trailing,
    Inner,
    RepeatedBlock,
    CrossDocument,
    # --- near-duplicate ---
    ExactDuplicate,
    NearDuplicate,
)

BY_ID: dict[str, type[Rule]] = {r.id: r for r in RULES}
