"""WSGI entry point: scripts/web.sh serves it with granian; any WSGI server can.

Progress polls that find nothing changed are answered in front of Django (batches/polls.py,
`FastPolls`); every other request goes to Django.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "receipts_site.settings")
django_application = get_wsgi_application()

from batches.polls import FastPolls  # noqa: E402  (needs the apps that get_wsgi_application sets up)

application = FastPolls(django_application)
