"""Imported as Python starts with this folder on PYTHONPATH (harness.lessons, under JAX or PyTorch): from
then on TensorFlow cannot be imported, as on Windows on ARM and Intel Macs, where it has no installer
(and keras.utils.set_random_seed no longer imports it: about 6 s of CPU a run).
"""

import sys

sys.modules["tensorflow"] = None  # `import tensorflow` raises ModuleNotFoundError; find_spec answers None
