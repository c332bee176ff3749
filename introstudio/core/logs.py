"""A rotating log file of what the app did; a filter scrubs anything that looks like a secret."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

_SECRET_PATTERNS = [
    re.compile(r"ya29\.[0-9A-Za-z_\-]+"),  # Google access tokens
    re.compile(r"1//[0-9A-Za-z_\-]{10,}"),  # Google refresh tokens
    re.compile(r"GOCSPX-[0-9A-Za-z_\-]+"),  # Google client secrets
    re.compile(r"(?i)((?:refresh_token|access_token|client_secret|password|authorization)[\"']?\s*[:=]\s*"
               r"[\"']?(?:Bearer\s+)?)[^\s\"',}&]+"),
]


def redact(text: str) -> str:
    """Replace tokens, client secrets and passwords in `text` with [REDACTED]."""
    for pattern in _SECRET_PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + "[REDACTED]", text)
        else:
            text = pattern.sub("[REDACTED]", text)
    return text


class RedactingFilter(logging.Filter):
    """Scrubs secrets from every record before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(log_file: Path, verbose: bool = False) -> logging.Logger:
    """Send the `introstudio` logger to a rotating file (1 MB x 5) and, when verbose, to stderr."""
    logger = logging.getLogger("introstudio")
    logger.setLevel(logging.DEBUG)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        fh = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        fh.setFormatter(fmt)
        fh.setLevel(logging.DEBUG)
        fh.addFilter(RedactingFilter())  # on the handler: records from child loggers skip logger filters
        logger.addHandler(fh)
    except OSError:
        pass  # a read-only home must not stop the app; the doctor reports it
    if verbose:
        sh = logging.StreamHandler()
        sh.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        sh.setLevel(logging.DEBUG)
        sh.addFilter(RedactingFilter())
        logger.addHandler(sh)
    logger.propagate = False
    return logger
