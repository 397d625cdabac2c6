"""Try the model in your browser: the image lesson's model as an ONNX file.

Keras runs after: image_classification
"""
# Keras stops under: jax

# --8<-- [start:imports]
import sys
from pathlib import Path

import keras

MODEL_FILE = "fashion_mnist_cnn.keras"
ONNX_FILE = "fashion_mnist_cnn.onnx"
# --8<-- [end:imports]

# --8<-- [start:export]
if keras.config.backend() == "jax":
    sys.exit("在 JAX 后端下导出 ONNX 要另装 jax2onnx，本指南没有装它：请用 KERAS_BACKEND=tensorflow 或 torch 运行 / "
             "Under JAX, Keras exports ONNX through jax2onnx, which this guide does not install: "
             "run this script with KERAS_BACKEND=tensorflow or torch")
if not Path(MODEL_FILE).is_file():
    sys.exit(f"找不到 {MODEL_FILE}：请先在这个文件夹里运行图像分类一章的代码 / "
             f"No {MODEL_FILE} here: run the image classification lesson in this folder first")
model = keras.models.load_model(MODEL_FILE)
# One input: any number of 28 x 28 grayscale pictures, as float32.
signature = [keras.InputSpec(shape=(None, 28, 28, 1), dtype="float32")]
try:
    model.export(ONNX_FILE, format="onnx", input_signature=signature)
except ImportError as error:  # tf2onnx, onnx or onnxscript is missing
    sys.exit(f"{error}\n缺少导出用的软件包 / A package for the export is missing: "
             "pip install tf2onnx onnx onnxscript")
print(f"{ONNX_FILE}: {Path(ONNX_FILE).stat().st_size / 1e6:.1f} MB")
# -> fashion_mnist_cnn.onnx: 1.7 MB
# --8<-- [end:export]
