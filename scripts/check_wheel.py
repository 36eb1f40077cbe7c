"""Fail unless a built wheel carries the bundled front end and the analogy library."""

from __future__ import annotations

import sys
import zipfile

REQUIRED = [
    "explainwidgets/static/threshold_explorer.js",
    "explainwidgets/static/threshold_explorer.css",
]
REQUIRED_PATTERNS = ["explainwidgets/static/", "explainwidgets/analogies/"]


def main(path: str) -> int:
    names = set(zipfile.ZipFile(path).namelist())
    missing = [n for n in REQUIRED if n not in names]
    missing += [p + "*" for p in REQUIRED_PATTERNS if not any(n.startswith(p) for n in names)]
    for n in REQUIRED:
        if n in names and zipfile.ZipFile(path).getinfo(n).file_size < 1000:
            missing.append(f"{n} (suspiciously small)")
    if missing:
        print(f"{path}: missing {missing}", file=sys.stderr)
        return 1
    js = sorted(n for n in names if n.startswith("explainwidgets/static/"))
    print(f"{path}: OK, {len(js)} front-end files: {', '.join(n.rsplit('/', 1)[1] for n in js)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
