"""``python -m graphgov`` runs the command line."""

from .cli import run

run()
