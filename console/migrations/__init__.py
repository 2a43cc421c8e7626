"""Alembic migrations shipped with the console."""

# The newest revision; a test keeps it equal to what Alembic finds in versions/.
HEAD_REVISION = "0013"
