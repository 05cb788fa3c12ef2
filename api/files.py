"""Routes that return a rendered file (PDF, xlsx, CSV, HTML, JSON): one way to declare
them in OpenAPI and one way to send them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.responses import Response

from api.errors import error_responses


def file_responses(description: str, media_types: Iterable[str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of a file route: the file types, and the shared errors."""
    return {
        200: {"description": description, "content": {media: {} for media in media_types}},
        **error_responses(401, 403, 404, 422),
    }


def file_response(body: bytes, media_type: str, filename: str) -> Response:
    """The file: HTML shown in the browser, anything else downloaded as ``filename``."""
    disposition = "inline" if media_type.startswith("text/html") else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
