"""The production server's settings: gunicorn, several worker processes.

    gunicorn -c python:admin_app.serving admin_app.wsgi:app

Without MONGODB_URI the master process starts the embedded database before any worker
and stops it when the master stops; it restarts it if it dies. Workers only attach to it
(admin_app/wsgi.py), so a worker that exits or is killed never takes the database with it.
Environment: HOST, PORT, WEB_CONCURRENCY (workers), WBZ_THREADS (threads per worker).
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, 2 * (os.cpu_count() or 1) + 1)))
worker_class = "gthread"
threads = int(os.environ.get("WBZ_THREADS", "4"))
timeout = 60  # a worker silent this long is replaced (the longest export is far below it)
graceful_timeout = 20
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # nginx in front
# The access log names the path, never the query (a search may hold a child's name).
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
errorlog = "-"
control_socket_disable = True  # gunicorn 27's shared ~/.gunicorn/gunicorn.ctl: not used

_database = None


def on_starting(server):
    """Before the workers: the embedded database, owned by this master process."""
    global _database
    from admin_app import settings_only

    settings = settings_only()
    if settings.config.get("MONGODB_URI"):
        return
    from admin_app.db import embedded_server

    _database = embedded_server(settings)
    uri = _database.start()
    _database.watch()
    server.log.info("embedded database ready at %s (owned by the master)", uri)


def on_exit(server):
    if _database is not None:
        _database.stop()
