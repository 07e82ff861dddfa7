"""Loaded by pytest before Django (see `-p` in pyproject.toml): tests run with DEBUG off,
which requires a secret, and must never pick up a developer's TMDB key from the shell."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-but-long-enough-for-the-check")
os.environ["DEBUG"] = "0"
# Empty rather than unset, so a developer's .env cannot fill them in either.
for name in ("TMDB_API_KEY", "TMDB_READ_ACCESS_TOKEN"):
    os.environ[name] = ""
