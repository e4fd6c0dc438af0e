"""The database: SQLAlchemy Core tables, repositories, bulk loading, Alembic migrations."""
