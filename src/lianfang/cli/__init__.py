"""The command line: one thin module per command, registered in ``app.py``."""
