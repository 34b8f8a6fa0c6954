"""The one error type of bad input."""

from __future__ import annotations

__all__ = ["ConfigError"]


class ConfigError(Exception):
    """Bad input; ``str(e)`` is one line: ``<file>: <field>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {message}")
