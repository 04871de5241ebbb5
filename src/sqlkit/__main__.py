"""`python -m sqlkit`."""

from sqlkit.cli import app

app()
