"""Writes N synthetic reports (agencies × consecutive years, both text layouts, ~20% with a
deliberate arithmetic error, some blank cells, some published late) into a folder.

    .venv/bin/python scripts/generate_corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from xxgk.synth import corpus


def generate(n: int, folder: Path, seed: int = 1) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"reports": n, "broken": 0, "layouts": {}}
    for k, (rep, broken) in enumerate(corpus(n, seed=seed)):
        sub = folder / rep.agency.city / rep.agency.district
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{k:06d}-{rep.agency.kind}-{rep.year}.txt").write_text(rep.render(), encoding="utf-8")
        manifest["broken"] += bool(broken)
        manifest["layouts"][rep.layout] = manifest["layouts"].get(rep.layout, 0) + 1
    return manifest


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(json.dumps(generate(args.n, args.folder, args.seed), ensure_ascii=False))
