"""Zip benchmark: time in proportion to the bytes, not to members squared or to blank lines.

a. A zip of 1,000 one-bill members against one of 4,000 (``import_paths`` into a fresh
   database): the ratio should be about 4 (it was about 16 when each member re-read the zip's
   central directory).
b. A zip holding one bill and ``--bomb-mib`` MiB of newlines, imported, beside plain reading of
   the same bytes (decompressing and hashing the member): the import should cost a small
   multiple of reading, with peak memory well under 300 MB.

Each import runs in a process of its own (``python -m viewer import``) so that peak memory is
that import's. Run: ``python benchmarks/bench_zip_robust.py [--bomb-mib 256]``
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import itertools
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from viewer.demo.generator import GeneratorConfig, generate_bills


def _lines(n: int) -> list[bytes]:
    out = []
    for row in itertools.islice(generate_bills(GeneratorConfig(agents=200, days=1)), n):
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(row)
        out.append(text.getvalue().encode())
    return out


def _members_zip(path: Path, lines: list[bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, line in enumerate(lines):
            zf.writestr(f"m{i:05d}.csv", line)


def _bomb_zip(path: Path, line: bytes, mib: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("bomb.csv", "w") as fp:
        fp.write(line)
        chunk = b"\n" * (1 << 20)
        for _ in range(mib):
            fp.write(chunk)


def _import(db: Path, path: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of ``python -m viewer import`` (children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "viewer", "import", "--db", str(db), str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def _startup() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "viewer", "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def _read(path: Path) -> float:
    """Seconds to decompress and hash every member (the bytes an import must read)."""
    started = time.perf_counter()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            digest = hashlib.sha256()
            with zf.open(info) as fp:
                while chunk := fp.read(1 << 20):
                    digest.update(chunk)
    return time.perf_counter() - started


def main() -> None:
    """Build the zips in a temporary folder and print the figures beside their references."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bomb-mib", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lines = _lines(4000)
        start = _startup()
        print(f"command start-up: {start:.2f} s")
        times = {}
        for n in (1000, 4000):
            path = work / f"m{n}.zip"
            _members_zip(path, lines[:n])
            seconds, _ = _import(work / f"m{n}.sqlite", path)
            times[n] = seconds - start
            print(f"{n:>5} members: {seconds:6.2f} s ({times[n]:.2f} s after start-up)")
        print(f"ratio 4000/1000: {times[4000] / times[1000]:.1f} (linear: 4, quadratic: 16)")
        bomb = work / "bomb.zip"
        _bomb_zip(bomb, lines[0], args.bomb_mib)
        reading = _read(bomb)
        seconds, peak = _import(work / "bomb.sqlite", bomb)
        print(
            f"newline bomb {args.bomb_mib} MiB: import {seconds:.2f} s "
            f"({seconds - start:.2f} s after start-up) beside reading the same bytes "
            f"{reading:.2f} s: ratio {(seconds - start) / reading:.1f}; peak memory of the "
            f"imports {peak:.0f} MB (target < 300)"
        )


if __name__ == "__main__":
    main()
