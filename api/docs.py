"""Interactive API docs at /docs, served from this service alone (no CDN): the Swagger UI
files come from the swagger-ui-bundle package. The page starts Swagger UI with one inline
script, which its Content-Security-Policy allows by its hash (and no other)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from api.middleware import content_security_policy, inline_scripts

ASSETS = "/static/swagger-ui"


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """``page`` with a policy allowing its own inline scripts by their hashes."""
    scripts = inline_scripts(bytes(page.body).decode("utf-8"))
    page.headers["Content-Security-Policy"] = content_security_policy(scripts=scripts)
    return page


def install(app: FastAPI) -> None:
    """Serve /docs and its assets locally."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="swagger-ui")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} — API",
                oauth2_redirect_url="/docs/oauth2-redirect",
                swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
                swagger_ui_parameters={"persistAuthorization": True},
            )
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())
