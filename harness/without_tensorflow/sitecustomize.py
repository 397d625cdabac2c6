"""Python imports this file as it starts when its folder is on PYTHONPATH:
harness.lessons puts it there for a lesson run under JAX or PyTorch.

From then on TensorFlow cannot be imported, as on a computer where it is not
installed: Windows on ARM and Intel Macs, where TensorFlow has no installer
and the installation chapter sends readers to JAX or PyTorch. A lesson that
needs TensorFlow under another backend then fails its test. (Keras itself
asks for TensorFlow only where it is optional: keras.utils.set_random_seed
seeds it too when it is there, which cost every such run a TensorFlow import,
about 6 s of CPU.)
"""

import sys

# None in sys.modules: `import tensorflow` raises ModuleNotFoundError, and
# importlib.util.find_spec("tensorflow") answers None, as when it is missing.
sys.modules["tensorflow"] = None
