"""What file-import routes share: reading an upload within the size limit and parsing
the JSON form fields (column mapping, chosen rows) into clear validation errors.

A request body larger than ``MAX_REQUEST_BYTES`` is refused before it is read
(``api.middleware.BodyLimit``); a file within it but above ``MAX_BYTES`` is refused
here, and an xlsx workbook that unpacks beyond its limits by ``check_xlsx`` (see
``finance_core.uploads``)."""

from __future__ import annotations

import json
from typing import TypeVar

from fastapi import UploadFile
from pydantic import BaseModel

from finance_core.errors import ValidationFailed
from finance_core.uploads import MAX_BYTES, check_size

MappingT = TypeVar("MappingT", bound=BaseModel)


async def read_upload(file: UploadFile) -> bytes:
    """The uploaded file's bytes, or ValidationFailed when it is larger than MAX_BYTES."""
    content = await file.read(MAX_BYTES + 1)
    check_size(content)
    return content


def parse_mapping(model: type[MappingT], text: str | None) -> MappingT:
    """A column mapping given as JSON (its defaults when absent)."""
    if not text:
        return model()
    try:
        return model.model_validate_json(text)
    except ValueError as exc:
        raise ValidationFailed(
            "mapping is not a valid JSON column mapping",
            fields={"mapping": str(exc).splitlines()[0]},
        ) from exc


def parse_rows(text: str) -> list[int]:
    """The rows chosen for recording, given as a JSON list of row numbers."""
    try:
        return [int(r) for r in json.loads(text)]
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            "rows is a JSON list of row numbers", fields={"rows": "JSON list of integers"}
        ) from exc
