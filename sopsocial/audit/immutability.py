"""Database-level guards that make the audit table append-only, for PostgreSQL and SQLite.

On PostgreSQL, row triggers refuse UPDATE and DELETE and a statement trigger refuses TRUNCATE, for
every role including the table owner. Only a deliberate owner/superuser step outside the application
(ALTER TABLE ... DISABLE TRIGGER, or session_replication_role = replica) can get round them, which is
what the tamper test does and what `audit_verify` then catches.
"""

TABLE = "audit_auditevent"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;
    """,
    f"CREATE TRIGGER audit_refuse_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
    f"CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC;",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_refuse_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_refuse_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_refuse_change();",
]
SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_refuse_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_refuse_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: DELETE refused'); END;",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_refuse_update;", "DROP TRIGGER IF EXISTS audit_refuse_delete;"]


def statements(vendor, install=True):
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []
