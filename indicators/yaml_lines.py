"""Where a YAML value was: the line map every YAML reader fills, and the limits on a file's structure.

Apart from :mod:`indicators.yaml_nodes` and :mod:`indicators.yaml_compose` so that both can use
them without importing each other (the composer, and PyYAML with it, is imported only when
YAML is read).
"""

from __future__ import annotations

__all__ = ["Path_", "LineMap", "MAX_DEPTH", "MAX_ALIAS_NODES"]

#: Deepest nesting of lists and mappings accepted (a form needs 4 or 5).
MAX_DEPTH = 100
#: Most nodes that aliases (``*name``) may add to a file in all.
MAX_ALIAS_NODES = 10_000

Path_ = tuple[str | int, ...]


class LineMap:
    """Lines of the values of one YAML document, by path."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor known to the map."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)
