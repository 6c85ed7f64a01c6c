"""Logs as JSON lines on stdout, one object a line (settings ``LOG_FORMAT``).

systemd's journal and ``docker compose logs`` keep what a service prints; an
operator filters it with ``jq`` (docs/deploy.md). Gunicorn's access log goes
through the same formatter (deploy/gunicorn.conf.py): one line a request with
its method, path, status and duration.
"""

from __future__ import annotations

import datetime
import json
import logging

# Gunicorn's access-log atoms (gunicorn.glogging.Logger.atoms) we keep.
ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "h": "remote",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(
                record.created, tz=datetime.UTC
            ).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            entry["message"] = f"{atoms.get('m')} {atoms.get('U')} {atoms.get('s')}"
            for atom, name in ACCESS_FIELDS.items():
                value = atoms.get(atom)
                if value not in (None, "-"):
                    entry[name] = _number(value) if atom in "sBM" else value
        else:
            entry["message"] = record.getMessage()
        # Django's request and server loggers name the status and the path.
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str):
            entry["path"] = path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _number(value: object) -> object:
    try:
        return int(str(value))
    except ValueError:
        return value
