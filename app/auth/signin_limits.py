"""Failed sign-ins counted per client address and per email, in bounded memory (pure).

Each key keeps the times of its last `failures` failures; a key whose oldest kept failure is
younger than the window is blocked until it ages out. An attempt counts as a failure from the
moment it starts (a success takes it back), so parallel guesses cannot all pass the check while
the first ones are still being verified. At most `max_keys` keys are kept per kind,
the least recently failing dropped first, so a flood of invented emails or addresses costs a
fixed amount of memory (and can at worst make the limiter forget, never block more). Counts live
in one server process: with N workers an address gets up to N times the attempts.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque

PER_EMAIL = 5
PER_ADDRESS = 20
WINDOW_S = 15 * 60
MAX_KEYS = 10_000
# Longer emails exist in no account; the key is cut so an invented one costs bounded memory.
MAX_KEY_CHARS = 254


class FailureCounter:
    def __init__(self, failures: int, window_s: float, max_keys: int) -> None:
        self._failures = failures
        self._window_s = window_s
        self._max_keys = max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._times)

    def wait_s(self, key: str, now: float) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        times = self._times.get(key)
        if times is None or len(times) < self._failures:
            return 0.0
        return max(0.0, times[0] + self._window_s - now)

    def fail(self, key: str, now: float) -> None:
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = deque(maxlen=self._failures)
        times.append(now)
        self._times.move_to_end(key)
        while len(self._times) > self._max_keys:
            self._times.popitem(last=False)

    def forgive(self, key: str, at: float) -> None:
        """Takes back the failure counted at `at`."""
        times = self._times.get(key)
        if times is not None and at in times:
            times.remove(at)

    def reset(self, key: str) -> None:
        self._times.pop(key, None)


class SignInLimiter:
    def __init__(
        self,
        per_email: int = PER_EMAIL,
        per_address: int = PER_ADDRESS,
        window_s: float = WINDOW_S,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.emails = FailureCounter(per_email, window_s, max_keys)
        self.addresses = FailureCounter(per_address, window_s, max_keys)

    def begin(self, address: str, email: str, now: float) -> int:
        """Whole seconds this address must wait before trying this email, or 0: the attempt
        may go ahead, and counts as failed until `succeeded` says otherwise."""
        key = _key(email)
        wait = math.ceil(max(self.addresses.wait_s(address, now), self.emails.wait_s(key, now)))
        if not wait:
            self.addresses.fail(address, now)
            self.emails.fail(key, now)
        return wait

    def succeeded(self, address: str, email: str, began: float) -> None:
        """The attempt begun at `began` was right: the email starts afresh, the address keeps
        only its other failures."""
        self.addresses.forgive(address, began)
        self.emails.reset(_key(email))


def _key(email: str) -> str:
    return email.strip().lower()[:MAX_KEY_CHARS]
