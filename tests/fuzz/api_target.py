"""The API fuzz runs' target: a copy of the demo with one user per role (a Bearer token
each) and the app on it; a run as one caller, checked and reported."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from finance_core.access.models import Role
from tests.browser import TEST_OUTPUT
from tests.fixtures_demo import DemoCopy
from tests.fuzz.api_fuzz import FuzzReport, Identity, demo_reports, fuzz_operations
from tests.fuzz.db_digest import digester

#: The callers of the runs: identity → role (None: no Authorization header).
ROLES: dict[str, str | None] = {
    "finance_officer": "finance_officer",
    "committee": "committee",
    "admin": "admin",
    "anonymous": None,
}
#: Generated requests per operation (Hypothesis examples: schema-valid, then not).
EXAMPLES = (5, 3)
#: Requests each caller must have sent over the whole schema.
MIN_REQUESTS = 1000
REPORTS = TEST_OUTPUT / "fuzz"


@dataclass
class ApiTarget:
    """The app on a demo copy, the callers' tokens, and a way to fuzz it as one."""

    copy: DemoCopy
    engine: Engine
    tokens: dict[str, str | None]

    @property
    def dialect(self) -> str:
        return self.copy.dialect

    def fuzz(self, identity: str) -> FuzzReport:
        """Fuzz every operation as ``identity``; the report is printed and written to
        ``test-output/fuzz/``; the caller's token still works afterwards."""
        seed = int(os.environ.get("ATTFIN_FUZZ_SEED", random.randrange(2**32)))
        digest, close = digester(self.copy.database)
        app = create_app(self.engine)
        try:
            report = fuzz_operations(
                app,
                Identity(identity, self.tokens[identity], _role(ROLES[identity])),
                engine=self.engine,
                digest=digest,
                reports=demo_reports(),
                examples=EXAMPLES,
                seed=seed,
            )
        finally:
            close()
        text = f"{self.dialect}, seed {seed}: {report.summary()}"
        print(text)
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"api-{identity}-{self.dialect}.txt").write_text(
            f"{text}\n\nslowest operations:\n{report.slowest()}\n\n{report.failure_text()}\n"
        )
        token = self.tokens[identity]
        if token is not None:
            with TestClient(app) as client:
                me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, f"{identity}'s token stopped working: {me.text}"
        return report

    def check(self, identity: str) -> None:
        """The whole schema fuzzed as ``identity``: at least MIN_REQUESTS requests sent,
        no failure found."""
        report = self.fuzz(identity)
        assert report.requests >= MIN_REQUESTS, report.summary()
        assert not report.failures, (
            f"{len(report.failures)} failure(s) as {identity} on {self.dialect}:\n\n"
            + report.failure_text()
        )


def _role(name: str | None) -> Role | None:
    return Role(name) if name is not None else None
