"""Cell values safe to hand to a spreadsheet."""

from __future__ import annotations

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def text_safe(value: object) -> str:
    """``value`` as text a spreadsheet will not read as a formula (a leading quote is
    added before ``=``, ``+``, ``-`` or ``@``)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
