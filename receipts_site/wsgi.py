"""WSGI entry point: scripts/web.sh serves it with granian; any WSGI server can."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "receipts_site.settings")
application = get_wsgi_application()
