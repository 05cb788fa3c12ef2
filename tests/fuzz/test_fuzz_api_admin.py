"""Schemathesis over the whole OpenAPI schema as an administrator, on a copy of
the demo, on SQLite and PostgreSQL (see ``tests.fuzz.api_fuzz`` for the checks)."""

from __future__ import annotations

import pytest

from tests.fuzz.api_target import ApiTarget

pytestmark = pytest.mark.fuzz


def test_fuzz_api_as_admin(api_target: ApiTarget) -> None:
    api_target.check("admin")
