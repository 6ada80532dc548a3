"""The peak memory a bench prints counts the processes it started, not only its own."""

import subprocess
import sys

from maillon.bench.memory import children_peak_rss_mb, memory_summary, whole_peak_rss_mb


def test_the_peak_of_a_finished_child_process_is_counted():
    # a child that holds 150 MB, then exits (the verification, an inner command, a parser…)
    subprocess.run(  # noqa: S603 - a fixed command
        [
            sys.executable,
            "-c",
            "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])",
        ],
        check=True,
    )
    assert children_peak_rss_mb() >= 150
    assert whole_peak_rss_mb() >= 150
    assert f"processus lancés {children_peak_rss_mb():.0f} Mo" in memory_summary()
