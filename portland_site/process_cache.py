"""What one process keeps in its own memory to save work: the few things read on nearly every request.

Each is a `ProcessCache`: a handful of entries by key, each kept for at most `seconds` when given, the oldest
dropped first when full. They are not shared between processes (that is the shared cache's job, Redis). An entry
is replaced whole, so reading needs no lock; two threads computing the same entry at once both get a right one.
`clear_process_caches()` empties them all, for tests that must not see the last test's values.
"""

import threading
from collections.abc import Hashable
from time import monotonic
from typing import Generic, TypeVar

Value = TypeVar("Value")

_ALL: list["ProcessCache"] = []


class ProcessCache(Generic[Value]):
    def __init__(self, *, entries: int = 1, seconds: float | None = None) -> None:
        self._entries = entries
        self._seconds = seconds
        self._kept: dict[Hashable, tuple[float, Value]] = {}
        self._writing = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, *, any_age: bool = False) -> Value | None:
        """The value kept for `key`, or None when there is none or it is older than `seconds`. With `any_age`,
        however old it is: what a process goes on with while the shared cache it was read from is away."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        if not any_age and self._seconds is not None and monotonic() - kept[0] >= self._seconds:
            return None
        return kept[1]

    def set(self, key: Hashable, value: Value) -> None:
        with self._writing:
            kept = self._kept
            kept.pop(key, None)
            while len(kept) >= self._entries:
                kept.pop(next(iter(kept)))
            kept[key] = (monotonic(), value)

    def newest(self) -> Value | None:
        """The value set last, however old: for an error page, which must show something."""
        kept = list(self._kept.values())
        return kept[-1][1] if kept else None

    def clear(self) -> None:
        with self._writing:
            self._kept.clear()


def clear_process_caches() -> None:
    for process_cache in _ALL:
        process_cache.clear()
