"""Linear regression with a feedforward network: fit a line, then a curve."""

# --8<-- [start:imports]
import numpy as np
import matplotlib.pyplot as plt
import keras

print(keras.__version__, keras.config.backend())
keras.utils.set_random_seed(0)
# --8<-- [end:imports]

# --8<-- [start:data]
TRUE_WEIGHT = 3.0
TRUE_BIAS = 2.0

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(1000, 1)).astype("float32")
noise = rng.normal(0, 0.1, size=(1000, 1)).astype("float32")
y = TRUE_WEIGHT * x + TRUE_BIAS + noise

x_train, y_train = x[:800], y[:800]
x_test, y_test = x[800:], y[800:]
print(x_train.shape, y_train.shape)
# -> (800, 1) (800, 1)
print(x_test.shape, y_test.shape)
# -> (200, 1) (200, 1)
# --8<-- [end:data]

# --8<-- [start:model]
model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1),
    ]
)
model.summary()
# --8<-- [end:model]

# --8<-- [start:compile]
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
# --8<-- [end:compile]

# --8<-- [start:fit]
history = model.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
losses = history.history["loss"]
print(f"epochs: {len(losses)}")
print(f"loss after the first epoch: {losses[0]:.4f}")
print(f"loss after the last epoch:  {losses[-1]:.4f}")
# --8<-- [end:fit]

# --8<-- [start:plot_loss]
plt.figure(figsize=(6, 4))
plt.plot(range(1, len(losses) + 1), losses, marker="o")
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("training loss (MSE)")
plt.show()
# --8<-- [end:plot_loss]

# --8<-- [start:evaluate]
test_mse = model.evaluate(x_test, y_test, verbose=0)
print(f"test MSE: {test_mse:.4f}")

weights, bias = model.layers[0].get_weights()
print(f"learned weight: {weights[0, 0]:.3f}  (true: {TRUE_WEIGHT})")
print(f"learned bias:   {bias[0]:.3f}  (true: {TRUE_BIAS})")
# --8<-- [end:evaluate]

# --8<-- [start:predict]
x_new = np.array([[-0.5], [0.0], [0.5]], dtype="float32")
y_new = model.predict(x_new, verbose=0)
for xi, yi in zip(x_new[:, 0], y_new[:, 0]):
    print(f"x = {xi:4.1f}   predicted y = {yi:.3f}   true y = {3 * xi + 2:.3f}")
# --8<-- [end:predict]

# --8<-- [start:plot_line]
w, b = weights[0, 0], bias[0]
x_line = np.array([-1.0, 1.0])
plt.figure(figsize=(6, 4))
plt.scatter(x_test, y_test, s=8, alpha=0.6, label="test data")
plt.plot(x_line, w * x_line + b, color="C3", label="learned line")
plt.xlabel("x")
plt.ylabel("y")
plt.legend()
plt.show()
# --8<-- [end:plot_line]

# --8<-- [start:curve_data]
x_curve = rng.uniform(-3, 3, size=(1000, 1)).astype("float32")
y_curve = np.sin(x_curve) + rng.normal(0, 0.1, size=(1000, 1)).astype("float32")
x_curve_train, y_curve_train = x_curve[:800], y_curve[:800]
x_curve_test, y_curve_test = x_curve[800:], y_curve[800:]
# --8<-- [end:curve_data]

# --8<-- [start:curve_model]
line_model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1),
    ]
)
curve_model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(32, activation="tanh"),
        keras.layers.Dense(1),
    ]
)
curve_model.summary()
# --8<-- [end:curve_model]

# --8<-- [start:curve_fit]
for m in (line_model, curve_model):
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    m.fit(x_curve_train, y_curve_train, epochs=50, batch_size=32, verbose=0)

line_mse = line_model.evaluate(x_curve_test, y_curve_test, verbose=0)
curve_mse = curve_model.evaluate(x_curve_test, y_curve_test, verbose=0)
print(f"straight line, test MSE: {line_mse:.4f}")
print(f"hidden layer,  test MSE: {curve_mse:.4f}")
# --8<-- [end:curve_fit]

# --8<-- [start:plot_curve]
x_plot = np.linspace(-3, 3, 64, dtype="float32").reshape(-1, 1)
y_line = line_model.predict(x_plot, verbose=0)
y_hidden = curve_model.predict(x_plot, verbose=0)
plt.figure(figsize=(6, 4))
plt.scatter(x_curve_test, y_curve_test, s=8, alpha=0.6, label="test data")
plt.plot(x_plot, y_line, color="C2", label="no hidden layer")
plt.plot(x_plot, y_hidden, color="C3", label="hidden layer")
plt.xlabel("x")
plt.ylabel("y")
plt.legend()
plt.show()
# --8<-- [end:plot_curve]

# --8<-- [start:exercise_1]
for rate in (0.001, 0.1, 1.0):
    trial = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    trial.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="mse")
    trial_losses = trial.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0).history["loss"]
    print(f"learning rate {rate}: first epoch {trial_losses[0]:.4f}, last epoch {trial_losses[-1]:.4f}")
# --8<-- [end:exercise_1]

# --8<-- [start:exercise_2]
x_far = np.array([[2.0], [3.0], [5.0]], dtype="float32")
for xi, yi in zip(x_far[:, 0], model.predict(x_far, verbose=0)[:, 0]):
    print(f"line:  x = {xi:4.1f}   predicted y = {yi:7.3f}   true y = {3 * xi + 2:7.3f}")

x_far = np.array([[1.5], [4.5], [7.5]], dtype="float32")
for xi, yi in zip(x_far[:, 0], curve_model.predict(x_far, verbose=0)[:, 0]):
    print(f"curve: x = {xi:4.1f}   predicted y = {yi:7.3f}   true y = {np.sin(xi):7.3f}")
# --8<-- [end:exercise_2]
