"""The public portal before anything is published, on both databases: every page answers
and says so, nothing carries the demo mark, and any publication address is a 404 page."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app


def test_pages_say_nothing_is_published_yet(engine: Engine) -> None:
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        home = client.get("/", params={"lang": "en"})
        assert home.status_code == 200
        assert "Nothing has been published yet." in home.text
        assert "Illustrative data" not in home.text
        assert "x-demo-data" not in home.headers
        for path in ("/status", "/progress", "/spending"):
            page = client.get(path)
            assert page.status_code == 200, path
            assert "This report has not been published yet." in page.text, path
        assert "Nothing has been published yet." in client.get("/archive").text
        french = unescape(client.get("/", params={"lang": "fr"}).text)
        assert "Rien n'a encore été publié." in french
        missing = client.get("/publications/1")
        assert missing.status_code == 404
        assert "Page not found" in client.get("/publications/1", params={"lang": "en"}).text
