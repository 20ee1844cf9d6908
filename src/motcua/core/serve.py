"""`motcua serve`: the Django application under gunicorn, a pre-fork WSGI server.

The master process checks the configuration and the database once, loads the application
(`preload_app`, so workers share its memory pages), then forks the workers; WhiteNoise serves
the static files from inside the application, so a reverse proxy only has to forward requests.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    """2 × the CPU cores this process may use, + 1 (gunicorn's rule of thumb for sync workers)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * cores + 1


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def options(bind: str, workers: int) -> dict[str, Any]:
    return {
        "bind": [bind],
        "workers": workers,
        "preload_app": True,
        "proc_name": "motcua",
        "errorlog": "-",  # stderr, for journald
        "timeout": 120,  # long PDFs and reports; a stuck worker is still replaced
        "graceful_timeout": 30,
        "forwarded_allow_ips": "127.0.0.1,::1",  # trust X-Forwarded-Proto only from a proxy on this host
        # gunicorn's control socket sits at one path per user: two servers would fight over it.
        "control_socket_disable": True,
    }


def run(bind: str, workers: int) -> int:
    """Serve until SIGTERM/SIGINT (graceful stop); gunicorn exits the process itself."""
    from django.db import connections

    connections.close_all()  # no connection may be shared by the forked workers
    print(f"motcua: serving on {bind} with {workers} worker(s)", file=sys.stderr, flush=True)
    _Server(options(bind, workers)).run()
    return 0
