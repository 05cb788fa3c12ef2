"""Applying migrations from code (the CLI and the test harness use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from finance_core.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for this repository, optionally on another URL."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(revision: str = "head", *, url: str | None = None, app_url: str | None = None) -> None:
    """Migrate to ``revision`` as the schema owner; on PostgreSQL, then grant the
    application role (the user of ``app_url``) what it may do."""
    settings = get_settings()
    owner_url = url or settings.effective_migration_url
    command.upgrade(alembic_config(owner_url), revision)
    app_url = app_url or settings.database_url
    owner, app = make_url(owner_url), make_url(app_url)
    if owner.get_backend_name() == "postgresql" and app.username and app.username != owner.username:
        from finance_core.db_roles import grant_application_role

        grant_application_role(owner_url, app.username)
