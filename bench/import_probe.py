"""Run in a fresh process: import one visits file, then report seconds and peak memory.

Run again on the same database with the same file (or one a little changed), it measures a
re-import: the rows it already holds are recognised by their fingerprints.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.memory import peak_rss_mb
from console.database import make_engine
from console.services.transfer.importer import import_file


def main() -> None:
    database, path = sys.argv[1], Path(sys.argv[2])
    engine = make_engine(database)
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = import_file(engine, "visits", path)
    seconds = time.perf_counter() - started
    # On a shared machine the wall clock waits for other work; the CPU time does not.
    cpu_seconds = time.process_time() - cpu_started
    # Closing the last connection folds SQLite's write-ahead log into the database, as the
    # console does when it quits; the next probe then reads the database, not a huge log.
    engine.dispose()
    if summary.problems:
        raise SystemExit(f"import refused: {summary.problems[:3]}")
    rss_mb = peak_rss_mb()
    figures = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "rows": summary.rows,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rss_mb": rss_mb,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
