"""Imported as Python starts with this folder on PYTHONPATH (harness.lessons): the backends named in
KERAS_GUIDE_HIDDEN (comma-separated) cannot be imported from then on, as on a computer where only the
lesson's backend is installed. TensorFlow has no installer on Windows on ARM and Intel Macs; and a backend
that is installed costs time even unused: keras.utils.set_random_seed imports TensorFlow (about 6 s of CPU
a run), Keras under PyTorch imports JAX (1.7 s), and so does TensorFlow.
"""

import os
import sys

for name in filter(None, os.environ.get("KERAS_GUIDE_HIDDEN", "").split(",")):
    sys.modules[name] = None  # `import name` raises ModuleNotFoundError; find_spec answers None
