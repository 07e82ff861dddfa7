"""The WSGI module gunicorn loads in each worker."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_imports_the_views_before_any_request():
    code = (
        "import sys, movieranking.wsgi; "
        "print(all(m in sys.modules for m in ('imports.views', 'rankings.views', 'rapidfuzz')))"
    )
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "movieranking.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
