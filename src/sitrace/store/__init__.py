"""The data centre's store: SQLAlchemy 2 tables, Alembic migrations, repositories.

SQLite file by default; PostgreSQL by URL (``SITRACE_DATABASE_URL``). No engine
is created at import: :func:`connect` opens one.
"""

from .database import DEFAULT_URL, Database, connect, upgrade

__all__ = ["DEFAULT_URL", "Database", "connect", "upgrade"]
