"""Gunicorn's settings for the web server; gunicorn reads this file from the working directory.

Progress polls are short and mostly wait on the database, so each process serves many at once
on threads; a deep backlog holds bursts (hundreds of batch pages polling every second)
instead of refusing connections. Command-line arguments and GUNICORN_CMD_ARGS override these.
"""

wsgi_app = "receipts_site.wsgi"
workers = 2
worker_class = "gthread"
threads = 8
backlog = 2048
keepalive = 5
timeout = 120
# The control socket would be one path in the home directory for every gunicorn on the machine.
control_socket_disable = True
