"""Client text is scanned in time linear in its length, whatever it holds (issue #6).

Complexity checks with generous bounds, on the CPU time of the test's own thread (so load elsewhere
on a shared machine, or another thread of this process, does not count): every parameterising pattern
gets the inputs that would make a backtracking or rescanning pattern slow, at two sizes. The
larger must be scanned at 0.5 MiB/s or better (the combined scan, which tries every pattern at
every possible start, at 0.25 MiB/s; both are several times faster on an idle core), and take at
most about as much longer as it is larger: a quadratic scan takes 16x for 4x the text, a linear
one 4x. The sizes are 32 and 128 KiB (64 and 256 KiB for the combined scan) to keep the suite
fast; before the fix, 64 KiB of `"a-"` alone took 7 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from app.grouping import summarize
from app.grouping.frames import frame_values
from app.grouping.parameterize import MAX_CHARS, PATTERNS, parameterize_message, scanner
from app.grouping.variables import variable_name

# Per pattern, the repeated units that exercise its look-aheads, delimited scans and repetitions
# without (mostly) letting it match and move on.
WORST_CASES: dict[str, tuple[str, ...]] = {
    "email": ("a@", "a.a@", "x@a.", "!#"),
    "url": ("http://a ", "http:// "),
    "path": ("/a", "/a.a", "/usr/a", "./a", "~/a/", "C:\\a", "\\\\a\\", "/."),
    "hostname": ("a-", "-", "a.", "-1", "a.a-", "a.com."),
    "ip": ("1:", "::1:", "fe80::", "1.1.", "1.1.1.1.", "ff:"),
    "traceparent": ("00-", "1-", "00-" + "0" * 32 + "-"),
    "uuid": ("0000000-", "00000000-0000-"),
    "sha1": ("0" * 39 + " ",),
    "md5": ("0" * 31 + " ",),
    "date": (
        "datetime.datetime(",
        "Mon Jan 02 2006 15:04:05 GMT+0100 (",
        "Mon, 1 Jan ",
        "Jan  1 ",
        "9:",
        "2006-01-0",
        "Mon ",
    ),
    "duration": ("1", "1.1", "1 "),
    "hex": ("0x1 ", "abcdef", "0000000-"),
    "git_sha": ("a1b2c3d", "abcdef1-"),
    "float": ("-1", "1.1", "1."),
    "int": ("-1", "1 "),
    "quoted_str": ("='", '="', "='a"),
    "bool": ("=t", "=Tru"),
}
KIB = 1024
SIZES = (32 * KIB, 128 * KIB)  # (64, 256) KiB for the combined scan
MAX_GROWTH = 8.0  # for 4x the text


def _text(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _best_of_3(run: Callable[[], object], budget: float) -> float:
    best = float("inf")
    for _ in range(3):  # noise only ever adds time: the fastest run is the truest
        start = time.thread_time()
        run()
        best = min(best, time.thread_time() - start)
        if best < budget:
            break
    return best


def _assert_linear(
    run: Callable[[str], object],
    unit: str,
    s_per_mib: float = 2.0,
    sizes: tuple[int, int] = SIZES,
) -> None:
    small, large = sizes
    budget = s_per_mib * large / (1024 * KIB)
    for _ in range(3):  # a burst of load elsewhere can spoil one pair of runs, not three
        small_s = _best_of_3(lambda: run(_text(unit, small)), budget * small / large)
        large_s = _best_of_3(lambda: run(_text(unit, large)), budget)
        # Below a few tens of ms the ratio is cache and allocator noise, not the algorithm.
        grows_linearly = large_s < 0.03 or large_s / small_s < MAX_GROWTH
        if large_s < budget and grows_linearly:
            return
    assert large_s < budget, f"{large // KIB} KiB of {unit!r}: {large_s:.2f} s"
    assert grows_linearly, (
        f"{unit!r}: {small // KIB} KiB {small_s:.3f} s, {large // KIB} KiB {large_s:.3f} s"
    )


def test_every_pattern_has_worst_cases() -> None:
    assert sorted(WORST_CASES) == sorted(name for name, _, _ in PATTERNS)


@pytest.mark.parametrize(
    ("name", "unit"), [(name, unit) for name, units in WORST_CASES.items() for unit in units]
)
def test_each_pattern_is_linear(name: str, unit: str) -> None:
    (pattern,) = [entry for entry in PATTERNS if entry[0] == name]
    regex = scanner((pattern,))
    _assert_linear(lambda text: regex.sub("<p>", text), unit)


ALL_UNITS = sorted({unit for units in WORST_CASES.values() for unit in units})


@pytest.mark.parametrize("unit", ["a-", "-", "-1", "1:", "C:\\a", "datetime.datetime(", "Mon "])
def test_the_combined_scan_is_linear(unit: str) -> None:
    """The scan of all patterns at once, on the inputs that are slowest for it."""
    regex = scanner()
    _assert_linear(lambda text: regex.sub("<p>", text), unit, 4.0, (64 * KIB, 256 * KIB))


def test_messages_are_parameterised_up_to_a_cap() -> None:
    text = "user 17 not found " * (MAX_CHARS // 18 + 1) + "user 1 of 2"
    assert len(text) > MAX_CHARS + 10
    assert parameterize_message(text) == parameterize_message(text[:MAX_CHARS])
    assert parameterize_message(text).endswith("user <int> not found us")  # 8192 = 455 * 18 + 2


@pytest.mark.parametrize("unit", ALL_UNITS)
def test_a_mebibyte_message_is_parameterised_in_a_few_milliseconds(unit: str) -> None:
    text = _text(unit, 1024 * KIB)
    assert _best_of_3(lambda: parameterize_message(text), 0.1) < 0.1


# The other regexes over client text on the grouping path, through the functions that use them.
OTHER_SCANS: dict[str, tuple[Callable[[str], object], tuple[str, ...]]] = {
    "ruby function": (
        lambda text: frame_values([{"function": text}], "ruby"),
        ("__1111_", "__1111", "_", "__1111_1111_"),
    ),
    "java module": (
        lambda text: frame_values([{"module": text}], "java"),
        ("$$a", "$$aCGLIB$", "GeneratedMethodAccessor", "$fn__", "$$_javassist_", "$"),
    ),
    "fingerprint variable": (variable_name, ("{{ ", "{{a ", " }}", "{{a}}}", "{")),
    "summary": (lambda text: summarize({"exception": {"values": [{"value": text}]}}), (" \n",)),
}


@pytest.mark.parametrize(
    ("what", "unit"), [(what, unit) for what, (_, units) in OTHER_SCANS.items() for unit in units]
)
def test_other_scans_are_linear(what: str, unit: str) -> None:
    _assert_linear(OTHER_SCANS[what][0], unit)
