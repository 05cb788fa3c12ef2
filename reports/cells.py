"""Cell values safe to hand to a spreadsheet (defined in ``finance_core.cells``, which
the strategic plan's files use too)."""

from __future__ import annotations

from finance_core.cells import FORMULA_STARTS, text_safe

__all__ = ["FORMULA_STARTS", "text_safe"]
