"""Run in a fresh process: import one visits file, then report seconds and peak memory."""

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
    started = time.perf_counter()
    summary = import_file(engine, "visits", path)
    seconds = time.perf_counter() - started
    if summary.problems:
        raise SystemExit(f"import refused: {summary.problems[:3]}")
    rss_mb = peak_rss_mb()
    print(
        json.dumps(
            {"seconds": seconds, "rows": summary.rows, "created": summary.created, "rss_mb": rss_mb}
        )
    )


if __name__ == "__main__":
    main()
