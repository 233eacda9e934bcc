"""``python -m graphgov`` runs the command line."""

from .cli import main

main()
