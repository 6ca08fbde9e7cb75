"""The WSGI entry point of the production server: `gunicorn -c python:admin_app.serving
admin_app.wsgi:app` (scripts/run.sh). A worker only attaches to the embedded database that
the server's master process started (admin_app/serving.py); it never starts or stops it."""

from . import create_app

app = create_app({"EMBEDDED_DB_ATTACH_ONLY": True})
