"""Run lessons in full and write what the pages show (keras-io's tutobooks model).

    python -m harness.outputs [stem ...]          # every lesson with MEASURES (or PUBLISHES), or these
    python -m harness.outputs --notebooks-only    # only the notebooks again, after a page changed

Each lesson runs once, section by section, in a Jupyter kernel, in full, under TensorFlow, and writes
docs/assets/generated/<stem>/: each section's printed text (<section>.txt) and figures (<section>.png),
results.json (MEASURES, and the ``fit`` section's seconds), run.json (when, where, which versions), and
the zh/en notebooks (harness/notebooks.py). The lesson holds only what a reader copies; nothing written
here is edited by hand, and tests/test_notebooks.py fails when it no longer matches.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from unittest import mock

from harness import EXAMPLES, GENERATED, ROOT
from harness.lessons import KERAS_HOME, SMOKE, hide_other_backends, imports_tensorflow
from harness.machine import machine
from harness.notebooks import figure_names, lesson_cells, rewrite_notebooks, write_notebooks
from harness.pages import nav
from harness.published import PUBLISHES, publish

# Numbers each page quotes, as expressions over the lesson's variables.
MEASURES = {
    "what_is_keras": {"parameters": "model.count_params()"},
    "linear_regression": {
        "epochs": "len(losses)",
        "first_loss": "round(losses[0], 4)",
        "last_loss": "round(losses[-1], 4)",
        "test_mse": "round(test_mse, 4)",
        "weight": "round(float(weights[0, 0]), 3)",
        "bias": "round(float(bias[0]), 3)",
        # From the rounded values the page shows, so a reader's own sum agrees.
        "weight_error_percent": "round(abs(round(float(weights[0, 0]), 3) - TRUE_WEIGHT) / TRUE_WEIGHT * 100, 1)",
        "bias_error_percent": "round(abs(round(float(bias[0]), 3) - TRUE_BIAS) / TRUE_BIAS * 100, 1)",
        "curve_mse_line": "round(line_mse, 4)",
        "curve_mse_hidden": "round(curve_mse, 4)",
    },
    "classification": {
        "epochs": "len(history.history['loss'])",
        "train_accuracy": "round(history.history['accuracy'][-1], 3)",
        "validation_accuracy": "round(history.history['val_accuracy'][-1], 3)",
        "test_loss": "round(test_loss, 4)",
        "test_accuracy": "round(test_accuracy, 3)",
        "test_accuracy_percent": "round(test_accuracy * 100, 1)",
        "centre_probability": "round(float(probabilities[2]), 3)",
        "overfit_training_accuracy": "round(plain['accuracy'][-1], 3)",
        "overfit_validation_accuracy": "round(plain['val_accuracy'][-1], 3)",
        "overfit_lowest_validation_loss": "round(min(plain['val_loss']), 3)",
        "overfit_lowest_validation_loss_epoch": "int(np.argmin(plain['val_loss'])) + 1",
        "overfit_last_validation_loss": "round(plain['val_loss'][-1], 3)",
        "dropout_training_accuracy": "round(dropped['accuracy'][-1], 3)",
        "dropout_validation_accuracy": "round(dropped['val_accuracy'][-1], 3)",
        "dropout_last_validation_loss": "round(dropped['val_loss'][-1], 3)",
    },
    "training_problems": {
        "no_hidden_loss": "round(too_small['loss'][-1], 3)",
        "no_hidden_accuracy": "round(too_small['accuracy'][-1], 3)",
        "hidden_accuracy": "round(big_enough['accuracy'][-1], 3)",
        "high_rate_nan_epoch": "int(np.argmax(np.isnan(losses[0.1]))) + 1",
        "low_rate_first_loss": "round(losses[0.00001][0], 1)",
        "low_rate_last_loss": "round(losses[0.00001][-1], 1)",
        "good_rate_last_loss": "round(losses[0.01][-1], 3)",
        "raw_validation_loss": "round(raw['val_loss'][-1], 3)",
        "raw_validation_accuracy": "round(raw['val_accuracy'][-1], 3)",
        "scaled_validation_accuracy": "round(scaled['val_accuracy'][-1], 3)",
        "labels_accuracy": "round(labels_history.history['accuracy'][-1], 3)",
        "stopped_epochs": "len(stopped['loss'])",
        "best_epoch": "best_epoch",
        "best_validation_loss": "round(min(stopped['val_loss']), 3)",
        "last_validation_loss": "round(stopped['val_loss'][-1], 3)",
    },
    "image_classification": {
        "epochs": "len(history.history['loss'])",
        "best_epoch": "int(np.argmin(history.history['val_loss'])) + 1",
        "best_validation_loss": "round(min(history.history['val_loss']), 4)",
        "parameters": "model.count_params()",
        "train_accuracy": "round(history.history['accuracy'][-1], 4)",
        "validation_accuracy": "round(history.history['val_accuracy'][-1], 4)",
        "test_loss": "round(test_loss, 4)",
        "test_accuracy": "round(test_accuracy, 4)",
        "test_accuracy_percent": "round(test_accuracy * 100, 2)",
        "wrong_in_grid": "int((predicted != y_test[:24]).sum())",
        "first_epoch_training_accuracy": "round(history.history['accuracy'][0], 4)",
        "first_epoch_validation_accuracy": "round(history.history['val_accuracy'][0], 4)",
        "most_confused_true": "CLASS_NAMES[int(np.argmax(confusion - np.diag(np.diag(confusion)))) // 10]",
        "most_confused_predicted": "CLASS_NAMES[int(np.argmax(confusion - np.diag(np.diag(confusion)))) % 10]",
        "most_confused_count": "int((confusion - np.diag(np.diag(confusion))).max())",
        "worst_class": "CLASS_NAMES[int(per_class.argmin())]",
        "worst_class_accuracy_percent": "round(float(per_class.min()) * 100, 1)",
        "best_class": "CLASS_NAMES[int(per_class.argmax())]",
        "best_class_accuracy_percent": "round(float(per_class.max()) * 100, 1)",
    },
    "next_steps": {
        "parameters": "model.count_params()",
        "classes": "len(class_names)",
        "epochs": "len(history.history['loss'])",
        "train_accuracy": "round(history.history['accuracy'][-1], 3)",
        "validation_accuracy": "round(history.history['val_accuracy'][-1], 3)",
        "validation_accuracy_percent": "round(history.history['val_accuracy'][-1] * 100, 1)",
        "validation_loss": "round(history.history['val_loss'][-1], 3)",
    },
    "export_onnx": {"onnx_megabytes": "round(Path(ONNX_FILE).stat().st_size / 1e6, 1)"},
    "own_picture": {
        # As the lesson prints them (3 decimals), likeliest first.
        **{f"top{n}_{what}": expr.format(source="probabilities", n=n) for n in (1, 2, 3) for what, expr in (
            ("class", "CLASS_NAMES[int({source}.argsort()[-{n}])]"),
            ("probability", "f'{{np.sort({source})[-{n}]:.3f}}'"))},
        **{f"clean_top{n}_{what}": expr.format(source="probabilities_clean", n=n) for n in (1, 2, 3) for what, expr in (
            ("class", "CLASS_NAMES[int({source}.argsort()[-{n}])]"),
            ("probability", "f'{{np.sort({source})[-{n}]:.3f}}'"))},
        # Each picture: what the model said before and after clean().
        "said": "{p.stem: {'class': CLASS_NAMES[int(b.argmax())], 'probability': f'{b.max():.3f}',"
                " 'clean_class': CLASS_NAMES[int(a.argmax())], 'clean_probability': f'{a.max():.3f}'}"
                " for p, b, a in zip(paths, before, after)}",
        # Pictures the model named right, by the class in the file's name.
        # (harness/pictures.py names each file after its class: tshirt, ankle_boot, sneaker_small...)
        **{f"right_{when}": f"sum(''.join(filter(str.isalpha, CLASS_NAMES[int(q.argmax())].lower()))"
                            f".startswith(p.stem.split('_')[0]) for p, q in zip(paths, {when}))"
           for when in ("before", "after")},
        "pictures": "len(paths)",
    },
}
# Models each page draws (keras.utils.plot_model), by variable name: diagram_<name>.png.
DIAGRAMS = {
    "linear_regression": ["model", "curve_model"],
    "classification": ["model"],
    "image_classification": ["model"],
}
TRAINING_SECTION = "fit"
# Before the lesson, not saved: figures as PNG at matplotlib's 100 dpi, cropped.
SETUP = "%matplotlib inline\n%config InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight'}"
DIAGRAM = ("keras.utils.plot_model({name}, to_file='diagram_{name}.png', show_shapes=True, "
           "show_layer_activations=True, dpi=72)")
MEASURE_CELL = ("import json as _json, resource as _resource\n"
                'print(_json.dumps({"results": {%s}, "peak_memory_mb": '
                "round(_resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024)}))")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NATIVE_LOG = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before absl)")
# Files other tools write into a stem's folder: kept when this run replaces it.
OTHER_TOOLS = ("benchmark.json", "benchmark.md", "repeat.json", "gpu.json")
# A lesson that uses what another lesson trained: that one's full run keeps the file in KEPT, and this
# one's run starts with a copy and records which training it came from (model_from in results.json).
KEPT = ROOT / ".cache" / "models"
BUILDS_ON = {"own_picture": ("image_classification", "fashion_mnist_cnn.keras"),
             "export_onnx": ("image_classification", "fashion_mnist_cnn.keras")}


def notebook_stems() -> list[str]:
    """The lessons with MEASURES, in reading order: each has a page and a notebook per language."""
    return [name.removesuffix(".md") for name in nav() if name.removesuffix(".md") in MEASURES]


def text_of(outputs: list) -> str:
    """What a cell printed, as a reader's terminal would end up showing it."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append("".join(output["text"]) if isinstance(output["text"], list) else output["text"])
        elif output.get("output_type") in ("execute_result", "display_data"):
            # model.summary() prints through rich, which shows as display data in Jupyter.
            data = output.get("data", {})
            if "text/plain" in data and "image/png" not in data:
                text = "".join(data["text/plain"]) if isinstance(data["text/plain"], list) else data["text/plain"]
                parts.append(text if text.endswith("\n") else text + "\n")
    text = ANSI.sub("", "".join(parts))
    return "\n".join(map(on_screen, text.split("\n"))).strip("\n") + "\n"


def on_screen(line: str) -> str:
    """Progress bars redraw a line with \\r and \\b: keep what stays on screen."""
    shown: list[str] = []
    for char in line:
        if char == "\r":
            shown = []
        elif char == "\b":
            shown = shown[:-1]
        else:
            shown.append(char)
    return "".join(shown).rstrip()


def kept(output: dict) -> bool:
    """False for TensorFlow's C++ start-up lines on stderr: noise on a page."""
    if output.get("output_type") != "stream" or output.get("name") != "stderr":
        return True
    lines = [line for line in output["text"].splitlines() if line.strip()]
    return not (lines and all(NATIVE_LOG.match(line) for line in lines))


def without_this_machine(output: dict) -> dict:
    """A warning's path shown from the project's root (.venv/lib/...), as a reader's venv would show it."""
    output = json.loads(json.dumps(output))
    if output.get("output_type") == "stream":
        output["text"] = output["text"].replace(f"{ROOT}{os.sep}", "")
    return output


def seconds_of(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def execute(stem: str, backend: str = "tensorflow", smoke: bool = False, workdir: Path | None = None,
            diagrams: bool = False, until: str | None = None, keys: tuple[str, ...] | None = None) -> dict:
    """Run the lesson in a fresh kernel: its outputs per section, the measured results, each section's
    seconds and the peak memory; with ``diagrams``, the models' pictures land in ``workdir``. A benchmark
    runs the sections ``until`` (that one included) and measures only ``keys``."""
    import nbformat
    from nbclient import NotebookClient

    cells = lesson_cells(stem)
    if until is not None:
        cells = cells[:[cell["section"] for cell in cells].index(until) + 1]
    wanted = {k: v for k, v in MEASURES.get(stem, {}).items() if keys is None or k in keys}
    measures = ", ".join(f"{key!r}: {expression}" for key, expression in wanted.items())
    measure = MEASURE_CELL % measures
    if diagrams:
        measure = "\n".join(DIAGRAM.format(name=name) for name in DIAGRAMS.get(stem, [])) + "\n" + measure
    source = [SETUP] + [cell["code"] for cell in cells] + [measure]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in source])
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"lesson-{stem}-"))
    model_from = given_model(stem, workdir)
    with mock.patch.dict(os.environ):  # as it was, afterwards
        for name in (*SMOKE, "MPLBACKEND"):
            os.environ.pop(name, None)
        # Deterministic kernels, so that two runs can be compared (harness.repeat).
        os.environ.update(KERAS_BACKEND=backend, KERAS_HOME=str(KERAS_HOME), TF_CPP_MIN_LOG_LEVEL="2",
                          TF_DETERMINISTIC_OPS="1")
        if smoke:
            os.environ.update(SMOKE)
            # As harness.lessons runs a lesson: no other backend.
            hide_other_backends(os.environ, backend, imports_tensorflow(EXAMPLES / f"{stem}.py"))
        started = time.time()
        NotebookClient(notebook, timeout=3600, kernel_name="python3", record_timing=True,
                       resources={"metadata": {"path": str(workdir)}}).execute()
        seconds = time.time() - started
    ran = notebook.cells[1:-1]
    measured = json.loads(text_of(notebook.cells[-1].outputs).strip().splitlines()[-1])
    timings = {cell["section"]: seconds_of(code) for cell, code in zip(cells, ran)}
    results = dict(measured["results"])
    if TRAINING_SECTION in timings:
        results["training_seconds"] = round(timings[TRAINING_SECTION], 2)
    if model_from:
        results["model_from"] = model_from
    return {"workdir": workdir, "section_seconds": timings, "results": results, "seconds": round(seconds, 1),
            "outputs": [[without_this_machine(o) for o in code.outputs if kept(o)] for code in ran],
            "peak_memory_mb": measured["peak_memory_mb"]}


def keep_model(stem: str, run: dict) -> None:
    """Keep the model a later lesson uses, with its training's digest, test accuracy and machine."""
    from benchmarks.fashion_mnist import training_code_digest

    for source, name in BUILDS_ON.values():
        if source == stem:
            KEPT.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(run["workdir"]) / name, KEPT / name)
            record = {"lesson": stem, "file": name,
                      "training_code_sha256": training_code_digest(EXAMPLES / f"{stem}.py"),
                      "test_accuracy": run["results"].get("test_accuracy"),
                      **{key: machine()[key] for key in ("date", "cpu", "os")}}
            (KEPT / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def given_model(stem: str, workdir: Path) -> dict | None:
    """The kept model and the pictures into the lesson's folder; returns where they came from."""
    if stem not in BUILDS_ON:
        return None
    from harness.pictures import digest, write_pictures

    source, name = BUILDS_ON[stem]
    if not (KEPT / name).is_file():
        raise SystemExit(f"{KEPT / name} is missing: python -m harness.outputs {source} keeps it there "
                         f"(the {stem} lesson uses the model the {source} lesson trained); run that first")
    shutil.copy2(KEPT / name, workdir / name)
    write_pictures(workdir / "pictures")
    return {**json.loads((KEPT / f"{name}.json").read_text(encoding="utf-8")), "pictures_sha256": digest()}


def write_texts(folder: Path, stem: str, run: dict) -> None:
    """What each section printed (<section>.txt) and run.json, into ``folder``."""
    for cell, outputs in zip(lesson_cells(stem), run["outputs"]):
        if text_of(outputs).strip():
            (folder / f"{cell['section']}.txt").write_text(text_of(outputs), encoding="utf-8")
    info = {"stem": stem, "backend": "tensorflow", "seconds": run["seconds"], **machine()}
    (folder / "run.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def small_png(data: bytes) -> bytes:
    """The same opaque picture in at most 256 colours, when that is smaller: matplotlib's figures shrink
    by about 60 % (classification's first plot, the largest thing its page loads on a phone: 77,664 bytes
    to 25,455), with no difference to see. A picture with any transparency is kept as it is."""
    import io

    from PIL import Image

    picture = Image.open(io.BytesIO(data))
    if "A" in picture.getbands() and picture.getchannel("A").getextrema()[0] < 255:
        return data
    fewer = io.BytesIO()
    picture.convert("RGB").quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(fewer, "PNG", optimize=True)
    return min(data, fewer.getvalue(), key=len)


def write(stem: str, run: dict) -> None:
    """Replace docs/assets/generated/<stem>/ and the two notebooks, at once."""
    target = GENERATED / stem
    GENERATED.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{stem}-", dir=GENERATED))
    staging.chmod(0o755)
    try:
        write_texts(staging, stem, run)
        for cell, outputs in zip(lesson_cells(stem), run["outputs"]):
            images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
            for name, data in zip(figure_names(cell["section"], outputs), images):
                (staging / name).write_bytes(small_png(base64.b64decode(data)))
        for diagram in Path(run["workdir"]).glob("diagram_*.png"):
            (staging / diagram.name).write_bytes(small_png(diagram.read_bytes()))
        (staging / "results.json").write_text(json.dumps(run["results"], indent=2) + "\n", encoding="utf-8")
        if target.exists():
            for name in OTHER_TOOLS:
                if (target / name).is_file():
                    shutil.copy2(target / name, staging / name)
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_notebooks(stem, run["outputs"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="lessons to run (default: every one with MEASURES)")
    parser.add_argument("--notebooks-only", action="store_true",
                        help="run nothing: rewrite the notebooks from their last run's outputs (a page changed a "
                             "figure's description or its title)")
    args = parser.parse_args(argv)
    known = notebook_stems() + list(PUBLISHES)
    for stem in args.stems or known:
        if stem not in known:
            parser.error(f"{stem!r} is not a lesson this runs (known: {', '.join(known)})")
        if stem in PUBLISHES:
            if not args.notebooks_only:
                run = execute(stem)
                publish(stem, run)
                print(f"{stem}: ran in {run['seconds']} s; wrote {(GENERATED / PUBLISHES[stem][0]).relative_to(ROOT)}/")
            continue
        if args.notebooks_only:
            rewrite_notebooks(stem)
            continue
        run = execute(stem, diagrams=True)
        write(stem, run)
        keep_model(stem, run)
        print(f"{stem}: ran in {run['seconds']} s; wrote {(GENERATED / stem).relative_to(ROOT)}/ and the notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
