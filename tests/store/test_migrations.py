"""The Alembic migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sitrace.store import connect
from sitrace.store.models import Base


def test_migrated_schema_matches_the_models(database_url):
    database = connect(database_url)
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": False, "target_metadata": Base.metadata}
            )
            differences = [
                d
                for d in compare_metadata(context, Base.metadata)
                if not (
                    isinstance(d, tuple)
                    and d[0] == "remove_table"
                    and d[1].name == "alembic_version"
                )
            ]
    finally:
        database.dispose()
    assert differences == []
