"""One checkout's figures for an A/B comparison of two commits: answers per CPU-second with 500 reporters at once
(SQLite, replies held) through Slack Socket Mode and over HTTP, and the situation picture's build at 10,000
reporters. Run it in each checkout in turn, A B A B on one machine in one sitting, and compare pair by pair:

    cd old && PYTHONPATH=. .venv/bin/python -m bench.ab    # (or python /path/to/this file, from the checkout)
    cd new && PYTHONPATH=. .venv/bin/python -m bench.ab

It prints one JSON line. The results of such a comparison are kept in bench/COMPARISONS.md, which
`make bench` copies into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import json

from bench import answers, picture


def main() -> None:
    out: dict[str, object] = {}
    for via in ("socket", "http"):
        r, _ = answers.bench_http("sqlite", 500, False, mode="held", via=via)
        out[via] = {
            "per_s": round(r.per_s),
            "per_cpu_s": round(r.per_cpu_s),
            "p99_ms": round(r.p99_ms, 1),
            "errors": r.errors,
            "stored": r.stored,
        }
    res = picture.measure(10_000, runs=3)
    out["picture_ms"] = round(res.seconds * 1000)
    out["picture_peak_mb"] = round(res.peak_mb, 1)
    print(json.dumps(out))


if __name__ == "__main__":  # the stand-ins start in processes of their own, which import this module again
    main()
