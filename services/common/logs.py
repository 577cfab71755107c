"""Logging: one line per event, JSON in production, each line carrying the request id."""

from __future__ import annotations

import logging.config
import sys
from typing import Any, TextIO

# Uvicorn's access log repeats what our own request log says; silence it to keep one line
# per request.
_QUIET_LOGGERS = ("uvicorn.access",)


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to `sys.stderr` as it is when a record is emitted, not when logging was set up,
    so a process (or a test runner) that swaps its standard error keeps every line."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def logging_config(*, level: str, json: bool) -> dict[str, Any]:
    """A `logging.config.dictConfig` document for the service and uvicorn."""
    text_format = "%(asctime)s %(levelname)-7s [%(correlation_id)s] %(name)s: %(message)s"
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "correlation_id": "request_id",
            },
        }
        if json
        else {"format": text_format}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "asgi_correlation_id.CorrelationIdFilter",
                "uuid_length": 32,
                "default_value": "-",
            }
        },
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "()": StderrHandler,
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            **{name: {"handlers": [], "propagate": False} for name in _QUIET_LOGGERS},
        },
    }


def configure_logging(*, level: str, json: bool) -> None:
    """Apply the logging configuration to the whole process."""
    logging.config.dictConfig(logging_config(level=level, json=json))
