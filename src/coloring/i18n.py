"""The languages of what people read: words from gettext catalogues (`coloring/locale`, domain
`coloring`), numbers and dates per locale from Babel. Rule codes, ids, JSON and CSV stay as the
contract names them in every language: only the words around them are translated.

`--lang ru|kk|en` or `$COLORING_LANG` chooses; English is the source language (no catalogue).
The workflow that keeps the catalogues complete is in docs/translations.md.
"""

from __future__ import annotations

import gettext
import os
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from coloring.domain.errors import ColoringError

LANGUAGES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
ENV_VAR = "COLORING_LANG"
DOMAIN = "coloring"
LOCALE_DIR = Path(__file__).parent / "locale"


class UnknownLanguageError(ColoringError):
    pass


class Lang(StrEnum):
    """The choices of `--lang`."""

    en = "en"
    ru = "ru"
    kk = "kk"


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; translated where it is shown."""
    return message


def resolve(lang: str | None = None) -> str:
    """The language asked for, else $COLORING_LANG, else English."""
    chosen = (lang or os.environ.get(ENV_VAR) or "en").strip().lower()
    # A POSIX locale name (ru_RU.UTF-8) names the same language.
    chosen = chosen.split(".", 1)[0].split("_", 1)[0].split("-", 1)[0]
    if chosen not in LANGUAGES:
        source = "--lang" if lang else f"${ENV_VAR}"
        raise UnknownLanguageError(
            f"{source}: unknown language {chosen!r} (languages: {', '.join(LANGUAGES)})"
        )
    return chosen


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


class Text:
    """One language: its words, numbers, money and instants."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self._catalogue = catalogue(lang)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    # Babel is imported where numbers and dates are shaped for people: a command that prints
    # JSON or CSV never needs it (a twentieth of a second of start-up).
    def number(self, n: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(n, "#,##0", locale=self.lang)

    def money(self, tiyn: int) -> str:
        """Tenge with two decimals and the locale's separators (1,234.50; 1 234,50)."""
        from babel.numbers import format_decimal

        return format_decimal(Decimal(tiyn).scaleb(-2), "#,##0.00", locale=self.lang)

    def instant(self, us: int, offset_minutes: int) -> str:
        """The instant in its own offset: the locale's date, 24-hour time, and the offset when
        it is not Kazakhstan's +05:00."""
        from babel.dates import format_date

        zone = timezone(timedelta(minutes=offset_minutes))
        moment = datetime.fromtimestamp(0, UTC).astimezone(zone) + timedelta(microseconds=us)
        text = f"{format_date(moment.date(), 'medium', locale=self.lang)} {moment:%H:%M}"
        if offset_minutes != 5 * 60:
            sign = "+" if offset_minutes >= 0 else "-"
            text += f" {sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
        return text


_current = Text()


def use(lang: str | None) -> Text:
    """Choose the language of this process's messages (the CLI's `--lang`)."""
    global _current
    _current = Text(resolve(lang))
    return _current


def current() -> Text:
    return _current


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)
