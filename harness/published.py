"""Files a lesson's full run makes for a page to serve (python -m harness.outputs).

export_onnx's ONNX model is the one the chapter "Try the model in your browser" runs in the reader's
browser: ``publish`` writes it into that page's generated folder, with what each section printed,
run.json and results.json (its size, SHA-256, each section's seconds, the model it came from and the
size of the runtime the page loads).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from harness import GENERATED, ROOT

# Lesson: (the page whose generated folder gets the file, the file's name).
PUBLISHES = {"export_onnx": ("in_the_browser", "fashion_mnist_cnn.onnx")}
# The runtime that page loads (npm, vendor/onnxruntime-web/), copied into every build (hooks/html.py).
ORT = ROOT / "vendor" / "onnxruntime-web" / "node_modules" / "onnxruntime-web"
ORT_FILES = ("ort.wasm.min.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")


def publish(stem: str, run: dict) -> None:
    """Replace docs/assets/generated/<page>/ (PUBLISHES) with what the run made."""
    from harness.outputs import write_texts

    page, name = PUBLISHES[stem]
    made = Path(run["workdir"]) / name
    if not (ORT / "package.json").is_file():
        raise SystemExit(f"{ORT} is missing: make ort (npm ci in vendor/onnxruntime-web)")
    target = GENERATED / page
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(made, target / name)
    write_texts(target, stem, run)
    ort_version = json.loads((ORT / "package.json").read_text(encoding="utf-8"))["version"]
    results = {**run["results"], "lesson": stem, "file": name, "bytes": made.stat().st_size,
               "sha256": hashlib.sha256(made.read_bytes()).hexdigest(),
               "seconds": {k: round(v, 2) for k, v in run["section_seconds"].items()},
               "onnxruntime_web": {"version": ort_version, "megabytes": round(
                   sum((ORT / "dist" / f).stat().st_size for f in ORT_FILES) / 1e6, 1)}}
    (target / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
