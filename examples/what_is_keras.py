"""What Keras is: one small model that runs unchanged on every backend."""

# --8<-- [start:imports]
import numpy as np
import keras

print(keras.__version__)
# -> 3.15.1
print(keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:model]
model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.summary()
print(model.count_params())
# -> 67
# --8<-- [end:model]

# --8<-- [start:predict]
x = np.random.rand(2, 4).astype("float32")
probabilities = model.predict(x, verbose=0)
print(probabilities.shape)
# -> (2, 3)
print(probabilities.sum(axis=1).round(3))
# -> [1. 1.]
# --8<-- [end:predict]
