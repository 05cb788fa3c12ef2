"""The portal's language: ``?lang=`` (the switch, then remembered in a cookie), else the
cookie, else the browser's ``Accept-Language``, else English."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from reports.i18n import Language

COOKIE = "attfin_lang"
#: How long the choice is remembered (seconds): a year.
REMEMBERED = 365 * 24 * 3600
#: Each language's name in itself, as the switch shows it.
NAMES = {Language.EN: "English", Language.FR: "Français", Language.ES: "Español"}


@dataclass(frozen=True, slots=True)
class Choice:
    """The language of a page, and whether it was just chosen with the switch (then the
    response remembers it, and is not cached by shared caches)."""

    language: Language
    switched: bool


def _known(value: str | None) -> Language | None:
    code = (value or "").strip().lower()[:2]
    return next((lang for lang in Language if lang.value == code), None)


def accepted(header: str | None) -> Language | None:
    """The preferred language of an ``Accept-Language`` header that the portal has."""
    ranked: list[tuple[float, int, Language]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        lang = _known(tag)
        if lang is not None and quality > 0:
            ranked.append((-quality, i, lang))
    return min(ranked)[2] if ranked else None


def choose(request: Request) -> Choice:
    """The language of the page asked for by ``request``."""
    switched = _known(request.query_params.get("lang"))
    if switched is not None:
        return Choice(switched, True)
    remembered = _known(request.cookies.get(COOKIE))
    if remembered is not None:
        return Choice(remembered, False)
    return Choice(accepted(request.headers.get("accept-language")) or Language.EN, False)
