"""Gunicorn's settings for PartyQuality (docs/deploy.md).

The systemd unit and the compose file start
``gunicorn -c deploy/gunicorn.conf.py partyquality.wsgi``; environment
variables (``GUNICORN_*``, ``LOG_FORMAT``) adjust it without editing this file.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Four synchronous workers: enough for a province's staff on 2–4 cores
# (bench/RESULTS.md, "Load"); each holds ~150 MB.
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# The longest page a user waits for (a report built in the request); larger
# work goes to the background worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# A worker is replaced after this many requests: memory a large page took is
# given back.
max_requests = 1000
max_requests_jitter = 100
# The TLS proxy on this host sets X-Forwarded-*; Django reads the scheme
# (BEHIND_TLS_PROXY in partyquality.env).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Gunicorn's own log and its access log (one line a request) go to stdout in
# the same form as the application's (partyquality/logs.py).
_format = os.environ.get("LOG_FORMAT", "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "partyquality.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": _format if _format in ("json", "text") else "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {
            "handlers": ["stdout"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
