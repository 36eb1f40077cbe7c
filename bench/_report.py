"""Write one benchmark's results into its own section of BENCHMARKS.md.

Each bench script owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``;
other sections are left as they are.
"""

from __future__ import annotations

import pathlib
import platform
import re

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores, {platform.machine()}"


def write_section(name: str, markdown: str) -> None:
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    BENCHMARKS.write_text(text)
    print(f"wrote section {name!r} of {BENCHMARKS}")
