import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "movieranking.settings")

application = get_wsgi_application()
# Import every view (and what they import: the matcher, rapidfuzz, the catalog) as the worker
# starts, not in its first request: that took a third of a second in each gunicorn worker.
import_module(settings.ROOT_URLCONF)
