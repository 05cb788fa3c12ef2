"""voluntary funds: donors, pledges, receipts and their matches, projects and reports,
sponsorships, disbursements, with their reversals and bank figures

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 04:21:37.768354
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import finance_core.db_types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "donor",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state_code", sa.String(length=3), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reporting_note", sa.Text(), nullable=True),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.CheckConstraint("kind <> 'state' OR state_code IS NOT NULL", name="ck_donor_state"),
        sa.CheckConstraint("language IN ('en', 'fr', 'es')", name="ck_donor_language"),
        sa.ForeignKeyConstraint(
            ["state_code"],
            ["state.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("donor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donor_state_code"), ["state_code"], unique=False)

    op.create_table(
        "sponsorship",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("earmark", sa.String(length=60), nullable=True),
        sa.Column("meeting", sa.String(length=60), nullable=False),
        sa.Column("conference_number", sa.Integer(), nullable=True),
        sa.Column("traveller", sa.String(length=200), nullable=False),
        sa.Column("state_code", sa.String(length=3), nullable=True),
        sa.Column("travel_minor", sa.BigInteger(), nullable=False),
        sa.Column("subsistence_minor", sa.BigInteger(), nullable=False),
        sa.Column("other_minor", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "travel_minor + subsistence_minor + other_minor > 0",
            name="ck_sponsorship_total_positive",
        ),
        sa.CheckConstraint(
            "travel_minor >= 0 AND subsistence_minor >= 0 AND other_minor >= 0",
            name="ck_sponsorship_costs",
        ),
        sa.ForeignKeyConstraint(
            ["conference_number"],
            ["conference.number"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_code"],
            ["fund.code"],
        ),
        sa.ForeignKeyConstraint(
            ["state_code"],
            ["state.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "voluntary_project",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("grantee", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("earmark", sa.String(length=60), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("approved_minor", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("approved_minor > 0", name="ck_voluntary_project_approved_positive"),
        sa.ForeignKeyConstraint(
            ["fund_code"],
            ["fund.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "disbursement",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("earmark", sa.String(length=60), nullable=True),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=True),
        sa.Column("sponsorship_id", sa.BigInteger(), nullable=True),
        sa.Column("tranche", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("usd_minor", sa.BigInteger(), nullable=False),
        sa.Column("usd_provisional", sa.Boolean(), nullable=False),
        sa.Column("exchange_rate", finance_core.db_types.ExactDecimal(length=40), nullable=True),
        sa.Column("payee", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "(kind = 'project_tranche' AND project_id IS NOT NULL AND sponsorship_id IS NULL) OR (kind = 'sponsorship' AND sponsorship_id IS NOT NULL AND project_id IS NULL) OR (kind = 'other' AND project_id IS NULL AND sponsorship_id IS NULL)",
            name="ck_disbursement_kind",
        ),
        sa.CheckConstraint("amount_minor > 0", name="ck_disbursement_amount_positive"),
        sa.CheckConstraint("usd_minor > 0", name="ck_disbursement_usd_positive"),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_code"],
            ["fund.code"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["voluntary_project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sponsorship_id"],
            ["sponsorship.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disbursement_fund_code"), ["fund_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_disbursement_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disbursement_sponsorship_id"), ["sponsorship_id"], unique=False
        )

    op.create_table(
        "pledge",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("donor_id", sa.BigInteger(), nullable=False),
        sa.Column("pledged_on", sa.Date(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("earmark", sa.String(length=60), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("occasion", sa.String(length=60), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_pledge_amount_positive"),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donor.id"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_code"],
            ["fund.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledge_donor_id"), ["donor_id"], unique=False)

    op.create_table(
        "voluntary_project_report",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["voluntary_project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voluntary_project_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voluntary_project_report_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "voluntary_receipt",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("donor_id", sa.BigInteger(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("fund_code", sa.String(length=16), nullable=False),
        sa.Column("earmark", sa.String(length=60), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("usd_minor", sa.BigInteger(), nullable=False),
        sa.Column("usd_provisional", sa.Boolean(), nullable=False),
        sa.Column("exchange_rate", finance_core.db_types.ExactDecimal(length=40), nullable=True),
        sa.Column("bank_reference", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_voluntary_receipt_amount_positive"),
        sa.CheckConstraint("usd_minor > 0", name="ck_voluntary_receipt_usd_positive"),
        sa.ForeignKeyConstraint(
            ["donor_id"],
            ["donor.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_code"],
            ["fund.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voluntary_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voluntary_receipt_donor_id"), ["donor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_voluntary_receipt_fund_code"), ["fund_code"], unique=False
        )

    op.create_table(
        "disbursement_reversal",
        sa.Column("disbursement_id", sa.BigInteger(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["disbursement_id"],
            ["disbursement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.PrimaryKeyConstraint("disbursement_id"),
    )
    op.create_table(
        "disbursement_usd_confirmation",
        sa.Column("disbursement_id", sa.BigInteger(), nullable=False),
        sa.Column("usd_minor", sa.BigInteger(), nullable=False),
        sa.Column("difference_minor", sa.BigInteger(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["disbursement_id"],
            ["disbursement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.PrimaryKeyConstraint("disbursement_id"),
    )
    op.create_table(
        "pledge_withdrawal",
        sa.Column("pledge_id", sa.BigInteger(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_pledge_withdrawal_amount_positive"),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledge.id"],
        ),
        sa.PrimaryKeyConstraint("pledge_id"),
    )
    op.create_table(
        "receipt_pledge_match",
        sa.Column("receipt_id", sa.BigInteger(), nullable=False),
        sa.Column("pledge_id", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="ck_receipt_pledge_match_amount"),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledge.id"],
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["voluntary_receipt.id"],
        ),
        sa.PrimaryKeyConstraint("receipt_id", "pledge_id"),
    )
    with op.batch_alter_table("receipt_pledge_match", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_pledge_match_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "voluntary_receipt_reversal",
        sa.Column("receipt_id", sa.BigInteger(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["voluntary_receipt.id"],
        ),
        sa.PrimaryKeyConstraint("receipt_id"),
    )
    op.create_table(
        "voluntary_receipt_usd_confirmation",
        sa.Column("receipt_id", sa.BigInteger(), nullable=False),
        sa.Column("usd_minor", sa.BigInteger(), nullable=False),
        sa.Column("difference_minor", sa.BigInteger(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", finance_core.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["journal_entry.seq"],
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["voluntary_receipt.id"],
        ),
        sa.PrimaryKeyConstraint("receipt_id"),
    )


def downgrade() -> None:
    op.drop_table("voluntary_receipt_usd_confirmation")
    op.drop_table("voluntary_receipt_reversal")
    with op.batch_alter_table("receipt_pledge_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_pledge_match_pledge_id"))

    op.drop_table("receipt_pledge_match")
    op.drop_table("pledge_withdrawal")
    op.drop_table("disbursement_usd_confirmation")
    op.drop_table("disbursement_reversal")
    with op.batch_alter_table("voluntary_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voluntary_receipt_fund_code"))
        batch_op.drop_index(batch_op.f("ix_voluntary_receipt_donor_id"))

    op.drop_table("voluntary_receipt")
    with op.batch_alter_table("voluntary_project_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voluntary_project_report_project_id"))

    op.drop_table("voluntary_project_report")
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_donor_id"))

    op.drop_table("pledge")
    with op.batch_alter_table("disbursement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disbursement_sponsorship_id"))
        batch_op.drop_index(batch_op.f("ix_disbursement_project_id"))
        batch_op.drop_index(batch_op.f("ix_disbursement_fund_code"))

    op.drop_table("disbursement")
    op.drop_table("voluntary_project")
    op.drop_table("sponsorship")
    with op.batch_alter_table("donor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donor_state_code"))

    op.drop_table("donor")
