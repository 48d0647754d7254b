"""Jinja templates of the handbook; a user folder passed with --templates overrides them by name."""
