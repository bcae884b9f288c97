"""Each rule's title and explanation in the reader's language. The English text is the
rulebook's (`coloring.domain.rulebook`, one declaration per rule); the catalogues translate it.
Rule codes stay as the contract names them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coloring.domain.rulebook import RULEBOOK, SPECS, Rule
from coloring.i18n import N_, Text


def title(rule: str, text: Text) -> str:
    spec = SPECS.get(Rule(rule)) if rule in Rule.__members__ else None
    return text.gettext(spec.title) if spec else rule


def explanation(rule: str, text: Text) -> str:
    spec = SPECS.get(Rule(rule)) if rule in Rule.__members__ else None
    return text.gettext(spec.explanation) if spec else ""


def extract_rulebook(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """A Babel extractor (babel.cfg, `rulebook`): every rule's title and explanation."""
    for spec in RULEBOOK:
        yield 0, None, spec.title, [f"title of {spec.code}"]
        yield 0, None, spec.explanation, [f"explanation of {spec.code}"]


# Words the read models keep in English (statuses, outcomes, kinds, the report's states): the
# catalogues hold them so that pages and tables show them translated.
WORDS = (
    N_("open"),
    N_("refused"),
    N_("applied"),
    N_("held"),
    N_("spent"),
    N_("returned"),
    N_("idle"),
    N_("allocation"),
    N_("transfer"),
    N_("spent on purpose"),
    N_("spent with findings"),
)
