"""The assessment preview: the engine on inputs given by the caller; stores nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError as PydanticValidationError

from finance_core.assessments.apportion import (
    ApportionError,
    Participant,
    Rules,
    apportion,
    to_decimal,
)
from finance_core.assessments.schemas import (
    PreviewParticipant,
    PreviewRequest,
    PreviewResponse,
    PreviewRow,
)
from finance_core.errors import ValidationFailed

#: Rounding units a budget may use: whole currency units or cents.
ROUNDING_UNITS = (Decimal(1), Decimal("0.01"))
#: Decimals of the adjusted rates returned (percent).
RATE_DECIMALS = 10


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def preview(request: PreviewRequest) -> PreviewResponse:
    """Apportion ``request.amount`` among its participants (rows in the input's order)."""
    if request.rounding_unit not in ROUNDING_UNITS:
        raise ValidationFailed(
            "the rounding unit is 1 or 0.01", fields={"rounding_unit": "must be 1 or 0.01"}
        )
    unit = Decimal(1) if request.rounding_unit == 1 else Decimal("0.01")
    try:
        result = apportion(
            request.amount,
            [
                Participant(p.code, p.name, p.un_rate, p.ldc, p.fixed_share)
                for p in request.participants
            ],
            Rules(
                ceiling=request.ceiling,
                ldc_cap=request.ldc_cap,
                floor_rate=request.floor_rate,
                floor_amount=request.floor_amount,
            ),
            unit,
        )
    except ApportionError as exc:
        raise ValidationFailed(str(exc), fields=exc.fields) from exc
    by_code = {s.code: s for s in result.shares}
    rows = []
    for p in request.participants:
        share = by_code[p.code]
        rows.append(
            PreviewRow(
                code=p.code,
                name=p.name,
                un_rate=_text(p.un_rate),
                fixed_share=_text(p.fixed_share),
                adjusted_rate=str(share.rate_decimal(RATE_DECIMALS)),
                factor=None if share.factor is None else str(to_decimal(share.factor, 10)),
                amount=str(share.amount(unit)),
                capped=share.limit.value if share.limit else None,
                rounded_up=share.rounded_up,
            )
        )
    total = (Decimal(sum(s.amount_units for s in result.shares)) * unit).quantize(unit)
    return PreviewResponse(
        total=str(total),
        currency=request.currency,
        rounding_unit=str(unit),
        iterations=result.iterations,
        rows=rows,
    )


def participants_from_csv(content: str) -> list[PreviewParticipant]:
    """Participants from CSV text with columns ``code,name,un_rate,ldc,fixed_share``
    (only ``code`` required); errors name the row (header = row 1) and column."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff"), newline=""))
    try:
        return _participants(reader)
    except csv.Error as exc:  # a quote or a line break where CSV allows none
        raise ValidationFailed(
            f"the file is not valid CSV: {exc}", fields={"file": "not valid CSV"}
        ) from exc


def _participants(reader: csv.DictReader[str]) -> list[PreviewParticipant]:
    """The participants of the rows ``reader`` gives (``participants_from_csv``)."""
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    allowed = {"code", "name", "un_rate", "ldc", "fixed_share"}
    if "code" not in columns:
        raise ValidationFailed("missing column code", fields={"column code": "missing"})
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        raise ValidationFailed(
            f"unknown column {', '.join(unknown)}",
            fields={f"column {c}": "unknown" for c in unknown},
        )
    errors: dict[str, str] = {}
    result: list[PreviewParticipant] = []
    for number, raw in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        numbers: dict[str, Decimal | None] = {}
        for column in ("un_rate", "fixed_share"):
            text = row.get(column, "")
            try:
                numbers[column] = Decimal(text) if text else None
            except InvalidOperation:
                errors[f"row {number}, {column}"] = f"{text!r} is not a number"
                numbers[column] = None
        flag = row.get("ldc", "").lower()
        if flag not in ("", "true", "false", "yes", "no", "1", "0"):
            errors[f"row {number}, ldc"] = f"{flag!r} is not true or false"
        if not row.get("code"):
            errors[f"row {number}, code"] = "required"
            continue
        try:
            participant = PreviewParticipant(
                code=row["code"],
                name=row.get("name", ""),
                un_rate=numbers["un_rate"],
                ldc=flag in ("true", "yes", "1"),
                fixed_share=numbers["fixed_share"],
            )
        except PydanticValidationError as exc:  # a code or name too long
            for error in exc.errors():
                column = ".".join(str(part) for part in error["loc"])
                errors[f"row {number}, {column}"] = error["msg"]
            continue
        result.append(participant)
    if errors:
        first = next(iter(errors.items()))
        raise ValidationFailed(
            f"{len(errors)} problem(s); first: {first[0]}: {first[1]}", fields=errors
        )
    if not result:
        raise ValidationFailed("the file has no participants", fields={"file": "no rows"})
    return result


def rows_to_csv(response: PreviewResponse) -> str:
    """The preview as CSV (one row per participant, then a total row)."""
    out = io.StringIO()
    fields = list(PreviewRow.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in response.rows:
        writer.writerow(row.model_dump())
    writer.writerow({"code": "TOTAL", "amount": response.total})
    return out.getvalue()
