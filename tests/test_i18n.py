"""The translator: lookup, fallback, formatting, language codes and catalog loading."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from dialogs import common_text
from dialogs.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES_DIR,
    N_,
    MissingPlaceholderError,
    Translator,
    load_messages,
    normalize_language,
    placeholders,
    reload_catalogs,
    translator,
)


@pytest.fixture(autouse=True)
def fresh_catalogs() -> Iterator[None]:
    reload_catalogs()
    yield
    reload_catalogs()


def test_languages() -> None:
    assert LANGUAGES == ("nl", "en")
    assert DEFAULT_LANGUAGE == "nl"


@pytest.mark.parametrize(
    ("lang", "yes", "none_of_these"),
    [("nl", "Ja", "Geen van deze"), ("en", "Yes", "None of these")],
)
def test_translator_per_language(lang: str, yes: str, none_of_these: str) -> None:
    t = translator(lang)
    assert t.lang == lang
    assert t("common.yes") == yes
    assert t(common_text.NONE_OF_THESE) == none_of_these


def test_placeholders_are_filled_in() -> None:
    params = {"value": 12, "low": 0, "high": 10, "unit": "mm"}
    assert translator("en")("error.number_range", **params) == "12 is out of range 0–10 mm"
    assert translator("nl")("error.number_range", **params) == "12 valt buiten het bereik 0–10 mm"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_common_text_is_translated(lang: str) -> None:
    t = translator(lang)
    for name in common_text.__all__:
        key = getattr(common_text, name)
        assert t.has(key), f"{lang}: {key}"


def test_translator_is_cached_per_language() -> None:
    assert translator("nl") is translator("nl")
    assert translator("nl") is not translator("en")


@pytest.mark.parametrize("lang", ["de", "nl-BE", "", "EN"])
def test_unknown_language_is_refused(lang: str) -> None:
    with pytest.raises(ValueError, match=r"expected one of nl, en"):
        translator(lang)


def test_n_is_a_no_op_marker() -> None:
    assert N_("q.spine_dx.triggers") == "q.spine_dx.triggers"


def test_missing_key_falls_back_to_english_then_to_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = Translator("nl", {"common.yes": "Ja"}, fallback={"common.yes": "Yes", "only.en": "Hi"})
    assert t.has("common.yes")
    assert not t.has("only.en")
    with caplog.at_level(logging.WARNING, logger="dialogs.i18n"):
        assert t("common.yes") == "Ja"
        assert not caplog.records
        assert t("only.en", name="Jansen") == "Hi"
        assert t("no.such.key", name="Jansen") == "no.such.key"
    assert [record.levelno for record in caplog.records] == [logging.WARNING] * 2
    assert "only.en" in caplog.records[0].getMessage()
    assert "no.such.key" in caplog.records[1].getMessage()
    assert "Jansen" not in caplog.text  # parameters may hold patient data: never logged


def test_missing_placeholder_raises_key_error_naming_key_and_placeholder() -> None:
    t = translator("en")
    with pytest.raises(KeyError, match=r"'error\.number_range'.*\{unit\}") as excinfo:
        t("error.number_range", value=12, low=0, high=10)
    assert isinstance(excinfo.value, MissingPlaceholderError)
    assert excinfo.value.key == "error.number_range"
    assert excinfo.value.placeholder == "unit"
    assert "high, low, value" in str(excinfo.value)


def test_malformed_text_raises_value_error() -> None:
    t = Translator("en", {"bad.text": "{} hours", "brace.text": "{{literal}} {n}"})
    with pytest.raises(ValueError, match=r"bad\.text"):
        t("bad.text", hours=1)
    assert t("brace.text", n=1) == "{literal} 1"


def test_extra_parameters_are_ignored() -> None:
    assert Translator("en", {"a.b": "{x}"})("a.b", x=1, y=2) == "1"


def test_a_key_named_key_can_be_a_parameter() -> None:
    assert Translator("en", {"a.b": "press {key}"})("a.b", key="Enter") == "press Enter"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no placeholders", set()),
        ("{value} is out of range {low}–{high} {unit}", {"value", "low", "high", "unit"}),
        ("{{escaped}} {n:>{width}}", {"n", "width"}),
        ("{patient.name} {doses[0]}", {"patient", "doses"}),
    ],
)
def test_placeholders(text: str, expected: set[str]) -> None:
    assert placeholders(text) == expected


@pytest.mark.parametrize("text", ["{} hours", "{0} hours", "{unclosed", "closing }"])
def test_placeholders_rejects_positional_and_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        placeholders(text)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("nl", "nl"),
        ("nl-BE", "nl"),
        ("NL", "nl"),
        ("en", "en"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("de", DEFAULT_LANGUAGE),
        ("fr-BE", DEFAULT_LANGUAGE),
        ("", DEFAULT_LANGUAGE),
        (None, DEFAULT_LANGUAGE),
    ],
)
def test_normalize_language(code: str | None, expected: str) -> None:
    assert normalize_language(code) == expected


# --- loading -------------------------------------------------------------------------------


@pytest.fixture
def locales_copy(tmp_path: Path) -> Path:
    """A copy of the committed catalogs (.po only, no .mo) in tmp_path."""
    target = tmp_path / "locales"
    for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"):
        dest = target / po.relative_to(LOCALES_DIR)
        dest.parent.mkdir(parents=True)
        shutil.copy(po, dest)
    return target


def _mo_bytes(lang: str, messages: dict[str, str]) -> bytes:
    catalog = Catalog(locale=lang)
    for key, text in messages.items():
        catalog.add(key, text)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _set_mtime(path: Path, seconds: float) -> None:
    os.utime(path, (seconds, seconds))


def test_missing_mo_is_compiled_in_memory(locales_copy: Path) -> None:
    assert not list(locales_copy.glob("*/LC_MESSAGES/*.mo"))
    messages = load_messages("nl", locales_copy)
    assert messages["common.yes"] == "Ja"
    assert messages["deadline.within_hours"] == "binnen {hours} uur na {anchor} — vóór {clock}"
    assert not list(locales_copy.glob("*/LC_MESSAGES/*.mo"))  # nothing written


def test_up_to_date_mo_is_used(locales_copy: Path) -> None:
    po = locales_copy / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    mo.write_bytes(_mo_bytes("en", {"common.yes": "Yes (from .mo)"}))
    _set_mtime(po, 1_000_000)
    _set_mtime(mo, 2_000_000)
    assert load_messages("en", locales_copy) == {"common.yes": "Yes (from .mo)"}


def test_mo_older_than_po_is_ignored(locales_copy: Path) -> None:
    po = locales_copy / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    mo.write_bytes(_mo_bytes("en", {"common.yes": "Yes (stale .mo)"}))
    _set_mtime(mo, 1_000_000)
    _set_mtime(po, 2_000_000)
    assert load_messages("en", locales_copy)["common.yes"] == "Yes"


def test_untranslated_and_fuzzy_entries_are_left_out(tmp_path: Path) -> None:
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "a.done"\nmsgstr "Done"\n\n'
        'msgid "a.todo"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "a.fuzzy"\nmsgstr "Unsure"\n',
        encoding="utf-8",
    )
    assert load_messages("en", tmp_path) == {"a.done": "Done"}


def test_missing_catalog_gives_no_texts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="dialogs.i18n"):
        assert load_messages("nl", tmp_path) == {}
    assert "no catalog" in caplog.text
