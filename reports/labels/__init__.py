"""The labels of the reports in English, French and Spanish, one module per report family.
Each module's ``LABELS`` maps a key to its (English, French, Spanish) texts; texts may
hold ``{placeholders}`` filled by the renderer."""

from __future__ import annotations

from reports.labels import committee, common, ledger, portal, status, strategy

Texts = tuple[str, str, str]

ALL: dict[str, Texts] = {}
for _module in (common, status, committee, ledger, strategy, portal):
    for _key, _texts in _module.LABELS.items():
        if _key in ALL:
            raise ValueError(f"report label {_key} defined twice")
        ALL[_key] = _texts
