"""The crash run at a small scale (2 kills, 2 clients, both databases), so that the
script and its checks keep working; ``make crash`` runs it after the full run."""

from __future__ import annotations

import pytest

from tests.crash import kill_server


@pytest.mark.crash
def test_two_kills_two_clients_on_both_databases(capsys: pytest.CaptureFixture[str]) -> None:
    code = kill_server.main(["--db", "both", "--kills", "2", "--clients", "2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    rows = [
        line.split()
        for line in out.splitlines()
        if line.strip().startswith(("sqlite ", "postgresql "))
    ]
    assert [r[0] for r in rows] == ["sqlite", "postgresql"], out
    assert all(r[1] == "2" and r[-1] == "PASS" for r in rows), out
