"""Verify the install: Keras's version, its backend, and a first tiny computation."""

# --8<-- [start:version]
import keras

print(keras.__version__)
# -> 3.15.1
print(keras.config.backend())
# --8<-- [end:version]

# --8<-- [start:compute]
x = keras.ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
y = keras.ops.matmul(x, x)
print(keras.ops.convert_to_numpy(y))
# -> [[ 7. 10.]
# ->  [15. 22.]]
print(keras.ops.convert_to_numpy(keras.ops.sum(x)))
# -> 10.0
# --8<-- [end:compute]
