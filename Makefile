# Two commands set up a fresh machine (see README.md):
#   make serve   install what the site needs and serve it at http://127.0.0.1:8000
#   make test    install everything the tests need and run the whole suite

# The Python the guide recommends (installation page) and the suite runs on:
# 3.13. pyenv's shim answers `python3.13` only where 3.13 is selected, so its
# own folder is looked in too. Another Python: make test PYTHON=/path/to/python.
PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
  $$p -c "" 2>/dev/null && { echo $$p; break; }; done)
ifeq ($(PYTHON),)
$(error Python 3.13 not found: install it (python.org; pyenv install 3.13), or name one with PYTHON=...)
endif
VENV := .venv
BIN := $(VENV)/bin
# The tests' own Keras cache, filled with Fashion-MNIST below.
export KERAS_HOME := $(CURDIR)/.cache/keras
DEBIAN_FASHION_MNIST := /usr/share/datasets/fashion-mnist

.PHONY: serve site test venv debian data axe ort constraints lighthouse zensical

# The venv, with the project's own code (pyproject.toml: harness, which the
# MkDocs hooks import) installed in it.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -e .

# Both languages built (without the downloads) and served together, as
# published: Chinese at /, English at /en/. To edit one language with live
# reload: .venv/bin/properdocs serve (Chinese) or .venv/bin/properdocs serve
# -f mkdocs.en.yml (English, at /en/).
serve: $(BIN)/python ort
	$(BIN)/python -m pip install --quiet -r requirements-docs.txt -c constraints.txt
	$(BIN)/python -m harness.downloads --serve 8000

# The site in site/, with its downloads (examples zip, offline copy, PDFs);
# the PDFs need Chromium, as the tests do.
site: data ort
	$(BIN)/python -m harness.downloads --out site

# The three backends are the largest wheels (3 GB unpacked, most of the
# install's time): pip unpacks them side by side, without their dependencies,
# then installs everything in one resolve. Each of the three must succeed.
# --no-compile: pip would write bytecode for every file of every package (tens
# of thousands); Python writes it on first import for the few the suite uses.
BIG_WHEELS := tensorflow torch jaxlib
venv: $(BIN)/python
	@pids=""; for wheel in $(BIG_WHEELS); do \
	  $(BIN)/python -m pip install --quiet --no-compile --no-deps -c constraints.txt $$wheel & pids="$$pids $$!"; \
	done; for pid in $$pids; do wait $$pid || exit 1; done
	$(BIN)/python -m pip install --quiet --no-compile -r requirements-dev.txt -c constraints.txt

# Debian packages the tests need, in one apt-get call, where there is apt:
# Fashion-MNIST; for the browser tests and the PDFs, Chromium (never a browser
# download) with a Chinese font, which the Chinese PDF embeds; poppler-utils to
# read the PDFs back; npm, which installs axe-core (below); Graphviz, with
# which keras.utils.plot_model draws the models (python -m harness.outputs).
DEBIAN_CHROMIUM := /usr/bin/chromium
DEBIAN_CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
# A TrueType Chinese font, which Chromium embeds in the Chinese PDF as text.
DEBIAN_PDF_CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
debian:
	@missing=""; \
	[ -d $(DEBIAN_FASHION_MNIST) ] || missing="$$missing dataset-fashion-mnist"; \
	[ -x $(DEBIAN_CHROMIUM) ] || missing="$$missing chromium"; \
	[ -f $(DEBIAN_CJK_FONT) ] || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -f $(DEBIAN_PDF_CJK_FONT) ] || missing="$$missing fonts-wqy-zenhei"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	elif [ -n "$$missing" ]; then \
	  echo "missing Debian packages:$$missing (as root: apt-get install$$missing); the tests that need them will fail" >&2; \
	fi

# Fashion-MNIST without Google: Debian's package where there is apt, checked
# and copied by the same tool the guide gives readers; elsewhere Keras downloads it.
data: venv debian
	@if [ -d $(DEBIAN_FASHION_MNIST) ]; then \
	  $(BIN)/python tools/install_fashion_mnist.py --lang en $(DEBIAN_FASHION_MNIST); \
	else \
	  $(BIN)/python -c "import keras; keras.datasets.fashion_mnist.load_data()"; \
	fi

# axe-core, pinned in tests/axe/ (package-lock.json), which the browser tests
# inject into every page (tests/axe_check.py); never from a CDN.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package-lock.json | debian
	cd tests/axe && npm ci --no-audit --no-fund
	touch $@

# ONNX Runtime Web, pinned in vendor/onnxruntime-web/ (package-lock.json): the
# chapter "Try the model in your browser" runs it; every build copies three of
# its files into the site (harness/hooks/html.py); never from a CDN.
ORT := vendor/onnxruntime-web/node_modules/onnxruntime-web/dist/ort.wasm.min.js
ort: $(ORT)
$(ORT): vendor/onnxruntime-web/package-lock.json | debian
	cd vendor/onnxruntime-web && npm ci --no-audit --no-fund
	touch $@

test: data axe ort
	$(BIN)/python -m pytest

# Re-pin after changing a requirements file: a fresh venv, then freeze.
constraints:
	rm -rf .cache/constraints-venv
	$(PYTHON) -m venv .cache/constraints-venv
	.cache/constraints-venv/bin/python -m pip install --quiet -r requirements-dev.txt
	{ echo "# Every package the test suite installs, pinned, so that a run next month installs"; \
	  echo "# what today's did. Written by: make constraints (never by hand)."; \
	  .cache/constraints-venv/bin/python -m pip freeze | sed 's/+cpu$$//'; } > constraints.txt
	rm -rf .cache/constraints-venv

# Lighthouse scores of the built site (benchmarks/lighthouse/run.py); a
# benchmark, not part of make test. Needs Node.js and npm, Chromium (debian),
# and an idle machine.
lighthouse: venv debian ort
	cd benchmarks/lighthouse && npm ci --no-audit --no-fund
	$(BIN)/python -m benchmarks.lighthouse.run

# What the newest Zensical that installs makes of this site: builds each
# language with it, in its own venv, and prints what works and what does not
# (benchmarks/zensical_trial.py). Outside make test: a checklist for the move
# before Material's end of life (README: Maintenance).
zensical: $(BIN)/python
	$(PYTHON) -m venv .cache/zensical-venv
	.cache/zensical-venv/bin/python -m pip install --quiet --upgrade zensical
	$(BIN)/python -m benchmarks.zensical_trial .cache/zensical-venv/bin/zensical
