"""The benchmark's own database: PostgreSQL named by ``DATABASE_URL``, created when missing, claimed by
a marker table, refused when it holds data that the benchmark did not write."""

import dj_database_url

MARKER = "benchmark_marker"
#: Tables that ``migrate`` fills itself; emptying the database leaves them alone.
KEPT = {"django_migrations", "django_content_type", "auth_permission", MARKER}


class BenchmarkDatabaseError(Exception):
    """The database cannot be used for the benchmark; the message says why and what to do."""


def settings_of(url):
    """The connection settings of ``url``; refuses anything but PostgreSQL with a clear message."""
    if not url:
        raise BenchmarkDatabaseError(
            "DATABASE_URL is not set. The benchmark runs on PostgreSQL only, in a database of its own, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench SCALE=small"
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise BenchmarkDatabaseError(f"DATABASE_URL is not a database URL: {exc}") from None
    if "postgresql" not in config["ENGINE"]:
        raise BenchmarkDatabaseError(
            f"DATABASE_URL points at {config['ENGINE'].rsplit('.', 1)[-1]}; the benchmark measures PostgreSQL "
            "only (the production database). Give it a PostgreSQL URL of a database of its own, e.g.\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench SCALE=small"
        )
    return config


def ensure_database(config):
    """Create the database when it does not exist (connecting to the ``postgres`` database)."""
    import psycopg2
    from psycopg2 import sql

    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        connection = psycopg2.connect(dbname=config["NAME"], **params)
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise BenchmarkDatabaseError(f"Cannot connect to PostgreSQL: {exc}".strip()) from None
    else:
        connection.close()
        return False
    connection = psycopg2.connect(dbname="postgres", **params)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    finally:
        connection.close()
    return True


def claim(connection, user_table):
    """Mark the database as the benchmark's, or refuse when it holds someone else's data: a database
    with no marker table may be used only when its user table is missing or empty."""
    tables = set(connection.introspection.table_names())
    if MARKER in tables:
        return
    if user_table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(user_table)}")
            (users,) = cursor.fetchone()
        if users:
            raise BenchmarkDatabaseError(
                f"Database {connection.settings_dict['NAME']!r} holds {users} user accounts and no "
                f"{MARKER!r} table: it is not a benchmark database, and the benchmark empties the database "
                "it runs on. Point DATABASE_URL at a database of its own (created when missing)."
            )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER} (created_at timestamptz NOT NULL DEFAULT now(), note text)")
        cursor.execute(
            f"INSERT INTO {MARKER} (note) VALUES (%s)", ["Benchmark database (benchmarks/): emptied on every run."]
        )


def empty(connection):
    """Empty every table but those ``migrate`` fills (one TRUNCATE, identities restarted)."""
    tables = [t for t in connection.introspection.table_names() if t not in KEPT]
    if not tables:
        return
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def server_version(connection):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]
