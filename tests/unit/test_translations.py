"""The Russian and Kazakh catalogues are complete: every message the code and the templates
mark has a non-empty translation with the same placeholders, and the shipped .mo files say the
same as the .po files."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from coloring.domain.rulebook import Rule
from coloring.i18n import DOMAIN, LOCALE_DIR, Text, UnknownLanguageError, resolve
from coloring.rule_text import explanation, title

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["ru", "kk"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+(?::[^}]*)?\}")


def marked() -> set[str | tuple[str, str]]:
    """Every message of the sources, as `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords={"_": None, "N_": None, "ngettext": (1, 2)},
        )
    }


def catalogue(lang: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=lang) if m.id}


@pytest.mark.parametrize("lang", LANGS)
def test_every_marked_message_has_a_translation(lang: str) -> None:
    have = catalogue(lang)
    missing = sorted(map(str, marked() - set(have)))
    empty = sorted(
        str(k) for k, v in have.items() if not (all(v) if isinstance(v, tuple) else v.strip())
    )
    assert (missing, empty) == ([], [])


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_every_placeholder(lang: str) -> None:
    wrong = []
    for msgid, msgstr in catalogue(lang).items():
        source = " ".join(msgid) if isinstance(msgid, tuple) else msgid
        for form in msgstr if isinstance(msgstr, tuple) else (msgstr,):
            if sorted(set(PLACEHOLDER.findall(form))) != sorted(set(PLACEHOLDER.findall(source))):
                wrong.append((msgid, form))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_says_what_the_po_file_says(lang: str) -> None:
    compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    for msgid, msgstr in catalogue(lang).items():
        if isinstance(msgid, str):
            assert compiled.gettext(msgid) == msgstr


@pytest.mark.parametrize("lang", LANGS)
def test_translations_are_written_in_cyrillic(lang: str) -> None:
    for msgid, msgstr in catalogue(lang).items():
        text = " ".join(msgstr) if isinstance(msgstr, tuple) else msgstr
        if re.search(r"[A-Za-z]{4,}", str(msgid)):
            assert re.search(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", text), (msgid, text)  # noqa: RUF001


@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_has_a_translated_title_and_explanation(lang: str) -> None:
    text = Text(lang)
    for rule in Rule:
        assert title(rule, text) != title(rule, Text("en"))
        assert explanation(rule, text) != explanation(rule, Text("en"))


def test_kazakh_is_written_with_kazakh_letters() -> None:
    assert re.search("[ӘәҒғҚқҢңӨөҰұҮүІі]", " ".join(map(str, catalogue("kk").values())))


def test_numbers_and_instants_follow_the_locale() -> None:
    assert Text("en").money(123456789) == "1,234,567.89"
    assert Text("ru").money(123456789) == "1\xa0234\xa0567,89"
    assert Text("kk").money(123456789) == "1\xa0234\xa0567,89"
    moment = 1746162000000000  # 2025-05-02T10:00:00+05:00
    assert Text("en").instant(moment, 300) == "May 2, 2025 10:00"
    assert Text("ru").instant(moment, 300) == "2 мая 2025\u202fг. 10:00"  # noqa: RUF001
    assert Text("ru").instant(moment, 0) == "2 мая 2025\u202fг. 05:00 +00:00"  # noqa: RUF001


def test_the_language_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLORING_LANG", "kk_KZ.UTF-8")
    assert resolve(None) == "kk"
    assert resolve("ru") == "ru"
    monkeypatch.delenv("COLORING_LANG")
    assert resolve(None) == "en"
    with pytest.raises(UnknownLanguageError, match="unknown language 'de'"):
        resolve("de")
