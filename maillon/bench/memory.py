"""Peak memory of a benchmark: of its own process and of every process it started.

`ru_maxrss` is the peak resident set size, in KiB on Linux. For RUSAGE_CHILDREN it is the peak
of the largest descendant waited for (a child's own children included once it has waited for
them): what `/usr/bin/time -v` reports as "Maximum resident set size" for a command is the same
figure taken over the whole tree. A bench reports both, after its verification has run.
"""

import resource


def peak_rss_mb() -> float:
    """The peak RSS (MB) of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """The peak RSS (MB) of the largest process this one started and waited for (0 if none)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def whole_peak_rss_mb() -> float:
    """The peak RSS (MB) of the command: this process or any process it waited for."""
    return max(peak_rss_mb(), children_peak_rss_mb())


def memory_summary() -> str:
    """« mémoire max 123 Mo (ce processus 80 Mo ; processus lancés 123 Mo) »."""
    return (
        f"mémoire max {whole_peak_rss_mb():.0f} Mo (ce processus {peak_rss_mb():.0f} Mo ; "
        f"processus lancés {children_peak_rss_mb():.0f} Mo)"
    )
