"""Storage: SQLAlchemy 2 async over SQLite (WAL) or PostgreSQL, one Alembic history."""
