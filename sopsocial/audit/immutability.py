"""Database-level guards that make the audit tables append-only, for PostgreSQL and SQLite.

On PostgreSQL, row triggers refuse UPDATE and DELETE and a statement trigger refuses TRUNCATE, for
every role including the table owner. Only a deliberate owner/superuser step outside the application
(ALTER TABLE ... DISABLE TRIGGER, or session_replication_role = replica) can get round them, which is
what the tamper test does and what `audit_verify` then catches.
"""

TABLE = "audit_auditevent"
LINK_TABLE = "audit_auditeventsubject"
# table -> trigger name prefix (the events table keeps the names its first migration gave it)
PREFIXES = {TABLE: "audit", LINK_TABLE: "audit_link"}

REFUSE_FUNCTION = """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END $$;
"""


def _postgres(table, install):
    p = PREFIXES[table]
    if not install:
        return [
            f"DROP TRIGGER IF EXISTS {p}_refuse_update_delete ON {table};",
            f"DROP TRIGGER IF EXISTS {p}_refuse_truncate ON {table};",
        ]
    return [
        REFUSE_FUNCTION,
        f"CREATE TRIGGER {p}_refuse_update_delete BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
        f"CREATE TRIGGER {p}_refuse_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC;",
    ]


def _sqlite(table, install):
    p = PREFIXES[table]
    if not install:
        return [f"DROP TRIGGER IF EXISTS {p}_refuse_update;", f"DROP TRIGGER IF EXISTS {p}_refuse_delete;"]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {p}_refuse_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;",
        f"CREATE TRIGGER IF NOT EXISTS {p}_refuse_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;",
    ]


def statements(vendor, install=True, table=TABLE):
    if vendor == "postgresql":
        return _postgres(table, install)
    if vendor == "sqlite":
        return _sqlite(table, install)
    return []


def all_statements(vendor, install=True):
    """For every audit table (what a test flush lifts and restores)."""
    return [sql for table in PREFIXES for sql in statements(vendor, install, table)]
