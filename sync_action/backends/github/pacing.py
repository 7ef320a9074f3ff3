"""Write pacing: GitHub's secondary limits on content-creating requests, kept on our side."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

# GitHub's secondary limits on content-creating requests: (writes, seconds) windows.
WRITE_LIMITS: tuple[tuple[int, float], ...] = ((80, 60.0), (500, 3600.0))


class WritePacer:
    """GitHub's limits on content-creating requests, kept on our side for one run.

    GitHub allows 80 such requests a minute and 500 an hour, and answers more with a
    403 and a wait of a minute or longer. One pacer is shared by every thread of a run:
    a write goes at once while every window of `limits` ((writes, seconds) pairs) has
    room, and otherwise waits just until the oldest write of the full window ages out.
    A write counts from when it finished (while in flight, as now), so the server, which
    counts it somewhere in between, never sees more than the budget. No limits: no pacing.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = WRITE_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = tuple((int(n), float(s)) for n, s in limits if n > 0 and s > 0)
        self.waited = 0.0  # seconds writes were held back, all threads together
        self._clock = clock
        self._done: deque[float] = deque()  # when earlier writes finished, oldest first
        self._flying = 0
        self._ready = threading.Condition()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Hold one write until it fits every window, and count it."""
        if not self.limits:
            yield
            return
        with self._ready:
            started = self._clock()
            while (delay := self.delay()) > 0:
                self._ready.wait(None if delay == float("inf") else delay)
            self.waited += self._clock() - started
            self._flying += 1
        try:
            yield
        finally:
            with self._ready:
                self._flying -= 1
                self._done.append(self._clock())
                self._ready.notify_all()

    def delay(self) -> float:
        """Seconds until one more write fits every window (0: now; inf: when one lands)."""
        now = self._clock()
        horizon = max(span for _, span in self.limits)
        while self._done and now - self._done[0] >= horizon:
            self._done.popleft()
        delay = 0.0
        for limit, span in self.limits:
            recent = [t for t in self._done if now - t < span]
            room = limit - self._flying  # finished writes this window holds besides ours
            if len(recent) < room:
                continue
            delay = max(delay, recent[-room] + span - now if room > 0 else float("inf"))
        return delay
