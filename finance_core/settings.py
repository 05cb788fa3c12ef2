"""Service settings, read from the environment with the ``ATTFIN_`` prefix."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one running service (see the README's configuration table)."""

    model_config = SettingsConfigDict(env_prefix="ATTFIN_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/attfin.sqlite3",
        description="What the application connects with (SQLite file or PostgreSQL URL).",
    )
    migration_database_url: str | None = Field(
        default=None,
        description="The schema owner's URL used by migrations; defaults to database_url.",
    )
    token_ttl_days: int = Field(
        default=365, ge=1, description="Days until a new API token expires."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000, ge=0, description="How long a SQLite writer waits for the lock."
    )
    retry_attempts: int = Field(
        default=5,
        ge=1,
        description="Attempts of a unit of work that concurrent work made fail "
        "(deadlock, serialization failure, busy database) before it is refused as busy.",
    )
    retry_backoff_ms: int = Field(
        default=20,
        ge=0,
        description="The longest pause before the first retry (doubled after each).",
    )
    retry_backoff_max_ms: int = Field(
        default=1_000, ge=0, description="The longest pause before any retry."
    )
    web_idle_minutes: int = Field(
        default=30, ge=1, description="Minutes without a request that end a web session."
    )
    web_session_hours: int = Field(
        default=12, ge=1, description="Hours after which a web session ends in any case."
    )
    sign_in_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins in a row that lock a user name."
    )
    sign_in_lock_minutes: int = Field(
        default=15, ge=1, description="Minutes a user name stays locked after them."
    )
    sign_in_client_failures: int = Field(
        default=20,
        ge=1,
        description=(
            "Failed sign-ins from one client address, whatever the user names, within "
            "the window below that refuse its sign-ins (429)."
        ),
    )
    sign_in_client_window_minutes: int = Field(
        default=15, ge=1, description="Minutes over which a client's failed sign-ins count."
    )
    token_client_failures: int = Field(
        default=20,
        ge=1,
        description=(
            "Failed API token attempts (unknown, expired or revoked) from one client "
            "address within the window below that refuse its tokens (429)."
        ),
    )
    token_client_window_minutes: int = Field(
        default=15, ge=1, description="Minutes over which a client's failed tokens count."
    )
    host: str = Field(default="127.0.0.1", description="Address `attfin serve` binds to.")
    port: int = Field(default=8000, description="Port `attfin serve` listens on.")

    @property
    def effective_migration_url(self) -> str:
        """The URL migrations run with: the owner's if set, else the application's."""
        return self.migration_database_url or self.database_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
