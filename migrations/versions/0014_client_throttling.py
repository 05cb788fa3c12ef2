"""client throttling: failed API token attempts, and sign-in attempts looked up by client

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:39:20.769344
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import finance_core.db_types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "token_attempt",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("token_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_token_attempt_attempted_at"), ["attempted_at"], unique=False
        )
        batch_op.create_index(
            "ix_token_attempt_client_attempted_at", ["client", "attempted_at"], unique=False
        )

    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sign_in_attempt_client_attempted_at", ["client", "attempted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempt_client_attempted_at")

    with op.batch_alter_table("token_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_token_attempt_client_attempted_at")
        batch_op.drop_index(batch_op.f("ix_token_attempt_attempted_at"))

    op.drop_table("token_attempt")
