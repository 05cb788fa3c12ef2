"""Limits on imported files, checked before any of them is parsed: at most ``MAX_BYTES``
as sent, and an xlsx workbook (a zip archive) at most ``MAX_MEMBERS`` parts and
``MAX_UNPACKED`` bytes once unpacked, so that a small file cannot unpack into gigabytes
(a zip bomb). Every xlsx reader (States, bank statements and expenditures through
``finance_core.states.importer.read_table``, the plan workbook through
``strategy.workbook.parse_workbook``) calls ``check_xlsx`` first.

The unpacked size is the sum of the sizes the archive declares for its parts. Python's
``zipfile``, which openpyxl and pandas read through, never inflates a part beyond its
declared size, so the declared sizes bound what is unpacked."""

from __future__ import annotations

import io
import zipfile

from finance_core.errors import ValidationFailed

#: Largest import file accepted (bytes): States, bank statements, expenditures, workbooks.
MAX_BYTES = 5 * 1024 * 1024
#: Largest total of an xlsx workbook's parts once unpacked (bytes).
MAX_UNPACKED = 50 * 1024 * 1024
#: Most parts an xlsx workbook may have.
MAX_MEMBERS = 1000
#: Largest request body the service reads (bytes): a file of ``MAX_BYTES`` with its form
#: fields, or carried base64-encoded by a web form (a third larger), fits.
MAX_REQUEST_BYTES = 2 * MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def check_size(content: bytes) -> None:
    """ValidationFailed when the file is larger than ``MAX_BYTES``."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            f"the file is larger than {_megabytes(MAX_BYTES)}", fields={"file": "too large"}
        )


def check_xlsx(content: bytes, name: str = "the file") -> None:
    """ValidationFailed unless ``content`` is a zip archive within the limits: at most
    ``MAX_BYTES``, ``MAX_MEMBERS`` parts and ``MAX_UNPACKED`` bytes unpacked."""
    check_size(content)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ValidationFailed(
            f"cannot read {name}: it is not an xlsx workbook ({exc})",
            fields={"file": "not an xlsx workbook"},
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise ValidationFailed(
            f"cannot read {name}: the workbook has more than {MAX_MEMBERS} parts",
            fields={"file": "too many parts"},
        )
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ValidationFailed(
            f"cannot read {name}: the workbook is larger than "
            f"{_megabytes(MAX_UNPACKED)} once unpacked",
            fields={"file": "too large unpacked"},
        )
