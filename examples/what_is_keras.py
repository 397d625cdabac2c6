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

# --8<-- [start:exercise_1]
scores_model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3),
    ]
)
scores = scores_model.predict(x, verbose=0)
print(scores.sum(axis=1))
scores_as_probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(scores))
print(scores_as_probabilities.sum(axis=1).round(3))
# -> [1. 1.]
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
kernel, bias = model.layers[0].get_weights()
print(kernel.shape, bias.shape)
# -> (4, 8) (8,)
print(bias)
# -> [0. 0. 0. 0. 0. 0. 0. 0.]
print(sum(w.size for w in model.get_weights()))
# -> 67
# --8<-- [end:exercise_2]
