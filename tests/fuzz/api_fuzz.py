"""Schemathesis over the whole OpenAPI schema, as one caller, on a copy of the demo.

Every operation gets generated requests, both schema-valid ("positive") and not
("negative"), sent in-process through the ASGI transport with the caller's Bearer token
(none for the anonymous caller). About half the path parameters, and some fields of
JSON bodies, are swapped for identifiers that exist in the demo (a receipt, a State, a
plan...) so that requests reach the code past the 404. Each response is checked:

- ``not_a_server_error``: no 5xx, and no exception out of the app;
- ``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``: the response is one
  the schema declares, with its declared media type, headers and body;
- no 2xx for a caller the route does not admit (``api.app.route_access``);
- nothing written by a request answered with an error: the database's digest (see
  ``db_digest``) is the same before and after every 4xx or 5xx response.

No operation is left out. Files (PDF, xlsx, CSV, HTML) are checked for their status,
media type and headers; their bodies are not JSON, so schemathesis has no schema to
hold them to. Failures are collected (the first of each operation and kind) rather than
raised, so one run reports everything it found."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine, text

from api.app import api_routes, route_access
from api.deps import Audience
from finance_core.access.models import Role
from tests.fuzz.db_digest import Digest, changes

#: Schemathesis' checks run on every response. Not run: ``positive_data_acceptance`` (a
#: schema-valid request is rightly refused by a business rule: an unknown State, a
#: reversal dated before its receipt); ``negative_data_rejection`` (the caller's token
#: replaces any Authorization header the generator made, so a request made invalid in
#: that header alone is valid when sent; and a query parameter given twice is read as its
#: last value); and the checks that send requests of their own (``ignored_auth``,
#: ``use_after_free``, ``ensure_resource_availability``, ``unsupported_method``,
#: ``missing_required_header``), outside the count and the digest: who may call what is
#: checked here instead (``may_call``).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: The operations under test: the API and /health (the portal and /app are HTML pages,
#: outside the OpenAPI schema).
PATHS = r"^(/api/v1/|/health$)"

#: Demo identifiers for path parameters and JSON body fields, by name: the SQL listing
#: them. A (path prefix, name) entry wins over the name alone.
POOLS: dict[str | tuple[str, str], str] = {
    "code": "SELECT code FROM state",
    "state": "SELECT code FROM state",
    "state_code": "SELECT code FROM state",
    "number": "SELECT number FROM conference",
    "conference_number": "SELECT number FROM conference",
    "seq": "SELECT seq FROM journal_entry",
    "budget_id": "SELECT id FROM budget",
    "run_id": "SELECT id FROM assessment_run",
    "receipt_id": "SELECT id FROM receipt",
    ("/api/v1/voluntary-receipts", "receipt_id"): "SELECT id FROM voluntary_receipt",
    "plan_id": "SELECT id FROM strategy_plan",
    ("/api/v1/payment-plans", "plan_id"): "SELECT id FROM payment_plan",
    "expenditure_id": "SELECT id FROM expenditure",
    "commitment_id": "SELECT id FROM commitment",
    "close_id": "SELECT id FROM year_close",
    "donor_id": "SELECT id FROM donor",
    "pledge_id": "SELECT id FROM pledge",
    "project_id": "SELECT id FROM voluntary_project",
    "report_id": "SELECT id FROM voluntary_project_report",
    "sponsorship_id": "SELECT id FROM sponsorship",
    "disbursement_id": "SELECT id FROM disbursement",
    "element_id": "SELECT id FROM strategy_element",
    "indicator_id": "SELECT id FROM strategy_indicator",
    "measurement_id": "SELECT id FROM strategy_measurement",
    "budget_line_id": "SELECT id FROM budget_line",
    "snapshot_id": "SELECT id FROM snapshot",
    "fund": "SELECT code FROM fund",
    "earmark_fund": "SELECT code FROM fund",
    "year": "SELECT DISTINCT year FROM budget",
    "earmark_year": "SELECT DISTINCT year FROM budget",
    "plan_code": "SELECT code FROM strategy_plan",
    # the demo's own users (never the callers under test, who would revoke themselves)
    ("/api/v1/users", "name"): "SELECT name FROM app_user WHERE name LIKE 'demo-%'",
    ("/api/v1/publications", "name"): "SELECT name FROM snapshot_file",
    ("/api/v1/public/publications", "name"): "SELECT name FROM snapshot_file",
}
#: Values that are not identifiers but that let a body pass validation more often: by
#: field name, then for amounts (names ending in ``amount``) and dates (in ``_on``).
FIXED_POOLS: dict[str, list[Any]] = {
    "currency": ["USD", "EUR", "CHF"],
    "usd_per_unit": ["1.0850", "0.9"],
    "travel": ["1200.00"],
    "subsistence": ["350.00"],
}
AMOUNTS = ["100.00", "2500.50", "1", "0.01"]
DATES = ["2025-03-31", "2025-12-31", "2026-06-15", "2026-09-30"]
#: Share of parameters and body fields swapped for a demo value.
SWAP = 0.5
#: The longest an answer may take (the heaviest: a report frozen in every format and
#: language); one taking longer is a failure.
REQUEST_SECONDS = 60


@dataclass
class Identity:
    """A caller: its name in reports, its token (None: anonymous) and its role."""

    name: str
    token: str | None
    role: Role | None


def allowed(method: str, path: str) -> frozenset[Role | Audience]:
    """Who may call the operation (``api.app.route_access``)."""
    for full_path, route in api_routes():
        if full_path == path and method.upper() in (route.methods or set()):
            return route_access(route)
    raise LookupError(f"{method} {path}")


def may_call(identity: Identity, method: str, path: str) -> bool:
    """Whether ``identity`` may call the operation: it is public, or the caller holds
    one of its roles."""
    who = allowed(method, path)
    return Audience.PUBLIC in who or (identity.role is not None and identity.role in who)


@dataclass
class FuzzReport:
    """What a run sent and found."""

    identity: str
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    per_operation: Counter[str] = field(default_factory=Counter)
    #: Seconds the app took to answer, per operation.
    answer_seconds: dict[str, float] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    seconds: float = 0.0

    def fail(self, label: str, kind: str, message: str) -> None:
        self.failures.setdefault((label, kind), message)

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{self.identity}: {self.requests} requests over {len(self.per_operation)} "
            f"operations in {self.seconds:.0f} s ({statuses})"
        )

    def slowest(self, count: int = 10) -> str:
        """The operations whose answers took longest in all, with their request counts."""
        longest = sorted(self.answer_seconds.items(), key=lambda item: -item[1])[:count]
        return "\n".join(
            f"{seconds:7.1f} s {self.per_operation[label]:4d} requests  {label}"
            for label, seconds in longest
        )

    def failure_text(self) -> str:
        return "\n\n".join(
            f"=== {label} [{kind}]\n{message}" for (label, kind), message in self.failures.items()
        )


def load_pools(engine: Engine, reports: list[str]) -> dict[str | tuple[str, str], list[Any]]:
    """The demo's values for each pool (report names for the report routes)."""
    found: dict[str | tuple[str, str], list[Any]] = {}
    with engine.connect() as conn:
        for key, sql in POOLS.items():
            values = sorted({row[0] for row in conn.execute(text(sql))}, key=str)
            if values:
                found[key] = values
    for prefix in ("/api/v1/reports", "/api/v1/public/reports"):
        found[(prefix, "name")] = reports
    return found


def _pool(pools: dict[str | tuple[str, str], list[Any]], path: str, name: str) -> list[Any] | None:
    for key, values in pools.items():
        if isinstance(key, tuple) and path.startswith(key[0]) and key[1] == name:
            return values
    found = pools.get(name) or FIXED_POOLS.get(name)
    if found is None and name.endswith("amount"):
        return AMOUNTS
    if found is None and name.endswith("_on"):
        return DATES
    return found


def _swap_path_and_body(
    case: Any, pools: dict[str | tuple[str, str], list[Any]], rnd: random.Random
) -> None:
    """Swap about half of the path parameters and known body fields for demo values."""
    path = case.operation.path
    for name in list(case.path_parameters or {}):
        values = _pool(pools, path, name)
        if values and rnd.random() < SWAP:
            case.path_parameters[name] = rnd.choice(values)
    for name in list(case.query or {}):
        values = _pool(pools, path, name)
        if values and rnd.random() < SWAP:
            case.query[name] = rnd.choice(values)
    if isinstance(case.body, dict):
        for name in list(case.body):
            values = _pool(pools, path, name)
            if values and rnd.random() < SWAP:
                case.body[name] = rnd.choice(values)


def _negative(case: Any) -> bool:
    """Whether the case was generated not to fit the schema."""
    return bool(case.meta is not None and case.meta.generation.mode.is_negative)


def _authorize(case: Any, identity: Identity) -> None:
    """The caller's token only (never one the generator made up)."""
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization",)}
    if identity.token is not None:
        headers["Authorization"] = f"Bearer {identity.token}"
    case.headers = headers


def _describe(case: Any) -> str:
    try:
        return str(case.as_curl_command(headers={"Authorization": "[token]"}))
    except Exception:  # a case the curl rendering cannot show
        return repr(case)


def fuzz_operations(
    app: Any,
    identity: Identity,
    *,
    engine: Engine,
    digest: Callable[[], Digest],
    reports: list[str],
    examples: tuple[int, int],
    seed: int,
) -> FuzzReport:
    """Run every operation of ``app``'s schema as ``identity``: ``examples`` is the
    Hypothesis example budget per operation for positive and negative generation."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=PATHS)
    pools = load_pools(engine, reports)
    report = FuzzReport(identity.name)
    rnd = random.Random(seed)
    state = {"digest": digest()}
    started = time.monotonic()

    def one(case: Any) -> None:
        label = case.operation.label
        _authorize(case, identity)
        if not _negative(case):  # a negative case stays as invalid as it was made
            _swap_path_and_body(case, pools, rnd)
        report.requests += 1
        report.per_operation[label] += 1
        sent = time.monotonic()
        try:
            response = case.call(timeout=REQUEST_SECONDS)
        except Exception as exc:  # the app raised (a 500), or did not answer in time
            response = None
            report.fail(label, "exception", f"{exc!r}\n{_describe(case)}")
        took = time.monotonic() - sent
        report.answer_seconds[label] = report.answer_seconds.get(label, 0.0) + took
        after = digest()
        status = response.status_code if response is not None else 500
        report.statuses[status] += 1
        changed = changes(state["digest"], after)
        state["digest"] = after
        if status >= 400 and changed:
            text = response.text[:300] if response is not None else ""
            report.fail(
                label, "write on error", f"{status} {text}\nchanged: {changed}\n{_describe(case)}"
            )
        if response is None:
            return
        if status < 300 and not may_call(identity, case.operation.method, case.operation.path):
            report.fail(label, "access", f"{status} for {identity.name}\n{_describe(case)}")
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                report.fail(label, failure.title, str(group)[:3000])

    for number, operation in enumerate(_operations(schema, report)):
        for mode, budget in zip(
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE), examples, strict=True
        ):
            _run(operation, mode, budget, one, report, seed=seed + number)
    report.seconds = time.monotonic() - started
    return report


def _operations(schema: Any, report: FuzzReport) -> Iterator[Any]:
    """The schema's operations (one the loader cannot build is a failure)."""
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            yield result.ok()
        else:
            report.fail("schema", "invalid operation", repr(result.err())[:2000])


def _run(
    operation: Any,
    mode: GenerationMode,
    budget: int,
    one: Callable[[Any], None],
    report: FuzzReport,
    *,
    seed: int,
) -> None:
    @hypothesis_seed(seed)
    @settings(
        max_examples=budget,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        one(case)

    try:
        run()
    except Unsatisfiable:
        # nothing to make invalid (an operation without parameters or body)
        if mode is GenerationMode.POSITIVE:
            report.fail(operation.label, "unsatisfiable", "no request could be generated")
    except Exception as exc:  # generation itself failed
        report.fail(operation.label, "generation", repr(exc)[:2000])


def demo_reports() -> list[str]:
    """The names of the report catalogue."""
    from reports.catalog import NAMES

    return list(NAMES)
