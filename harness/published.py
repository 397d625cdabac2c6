"""Files a lesson's full run makes for a page to serve (python -m harness.outputs).

A lesson without a notebook may make a file a page serves: export_onnx's ONNX
model is the one the chapter "Try the model in your browser" runs in the
reader's browser. ``publish`` writes it, with what each section printed and
results.json (its size, SHA-256, the seconds each section took, the model it
came from and the size of the runtime the page loads), into the page's
generated folder; nothing there is written by hand.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from harness import GENERATED, ROOT
from harness.machine import machine

# Lesson: (the page whose generated folder gets the file, the file's name).
PUBLISHES = {"export_onnx": ("in_the_browser", "fashion_mnist_cnn.onnx")}
# The runtime that page loads (npm, vendor/onnxruntime-web/): every build
# copies these files into the site (harness/hooks/html.py).
ORT = ROOT / "vendor" / "onnxruntime-web" / "node_modules" / "onnxruntime-web"
ORT_FILES = ("ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")


def publish(stem: str, run: dict) -> None:
    """Replace docs/assets/generated/<page>/ (PUBLISHES) with what the run made."""
    from harness.notebooks import lesson_cells
    from harness.outputs import text_of

    page, name = PUBLISHES[stem]
    made = Path(run["workdir"]) / name
    if not (ORT / "package.json").is_file():
        raise SystemExit(f"{ORT} is missing: make ort (npm ci in vendor/onnxruntime-web)")
    target = GENERATED / page
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(made, target / name)
    for cell, outputs in zip(lesson_cells(stem), run["outputs"]):
        if text_of(outputs).strip():
            (target / f"{cell['section']}.txt").write_text(text_of(outputs), encoding="utf-8")
    ort_version = json.loads((ORT / "package.json").read_text(encoding="utf-8"))["version"]
    results = {**run["results"], "lesson": stem, "file": name, "bytes": made.stat().st_size,
               "sha256": hashlib.sha256(made.read_bytes()).hexdigest(),
               "seconds": {k: round(v, 2) for k, v in run["section_seconds"].items()},
               "onnxruntime_web": {"version": ort_version, "megabytes": round(
                   sum((ORT / "dist" / f).stat().st_size for f in ORT_FILES) / 1e6, 1)}}
    (target / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    info = {"stem": stem, "backend": "tensorflow", "seconds": run["seconds"], **machine()}
    (target / "run.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
