"""Refuse UPDATE (and on PostgreSQL DELETE) of audit rows in the database itself.

SQLite keeps DELETE possible because Django's test flush empties tables with DELETE;
the ORM refuses deletes on both databases, and ``audit_verify`` catches any that slip by.
PostgreSQL's flush uses TRUNCATE, which these triggers do not cover.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_refuse_change();
"""
SQLITE_UP = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_event_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}.get(vendor)
    if sql:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}.get(vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
