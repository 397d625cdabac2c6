// The demo of the chapter "Try the model in your browser" (docs/*/in_the_browser.md).
// Only that page loads this file (harness/hooks/html.py). Nothing of ONNX
// Runtime Web and no model is fetched until the reader presses Start: the
// runtime's wasm is 14 MB. The page's own words (class names, messages) are
// in its HTML, so this file holds no language.
(() => {
  "use strict";
  const demo = document.querySelector(".browser-demo");
  if (!demo) return;
  const here = document.currentScript.src;
  // Absolute addresses: ONNX Runtime takes a relative wasmPaths for a module
  // name and fails (../shared/reference/facts.md, section 10).
  const RUNTIME = new URL("ort/", here).href;
  const MODEL = new URL("../generated/in_the_browser/fashion_mnist_cnn.onnx", here).href;
  const SIZE = 28;
  const text = demo.dataset;
  const labels = text.labels.split("|");
  const $ = (name) => demo.querySelector(`[data-part="${name}"]`);
  const pad = $("pad"), seen = $("seen"), bars = $("bars"), status = $("status");
  const start = $("start"), clear = $("clear"), file = $("file");
  let session = null;
  let input = null; // the last Float32Array the model was (or will be) given

  // The own_picture chapter's preparation, step by step: 28 x 28 pixels
  // (nearest neighbour, as keras.utils.load_img), grayscale (Pillow's formula,
  // as color_mode="grayscale"), inverted and scaled to 0..1 (1 - x / 255).
  // A picked file and the drawing pad both come through here.
  function toModelInput(source) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = SIZE;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.imageSmoothingEnabled = false;
    context.fillStyle = "#fff"; // a transparent pixel counts as white paper
    context.fillRect(0, 0, SIZE, SIZE);
    context.drawImage(source, 0, 0, SIZE, SIZE);
    const rgba = context.getImageData(0, 0, SIZE, SIZE).data;
    const x = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < x.length; i++) {
      const gray = (rgba[4 * i] * 19595 + rgba[4 * i + 1] * 38470 + rgba[4 * i + 2] * 7471 + 0x8000) >> 16;
      x[i] = 1 - gray / 255;
    }
    return x;
  }

  // What the model sees: light is 1, dark is 0, each pixel drawn large.
  function show(x) {
    const context = seen.getContext("2d");
    const image = context.createImageData(SIZE, SIZE);
    x.forEach((value, i) => {
      image.data.fill(Math.round(value * 255), 4 * i, 4 * i + 3);
      image.data[4 * i + 3] = 255;
    });
    context.putImageData(image, 0, 0);
  }

  function showProbabilities(probabilities) {
    const top = probabilities.indexOf(Math.max(...probabilities));
    bars.replaceChildren(...labels.map((label, i) => {
      const row = document.createElement("li");
      const percent = (probabilities[i] * 100).toFixed(1);
      row.innerHTML = `<span class="browser-demo__label"></span><span class="browser-demo__bar"><span></span></span>` +
        `<span class="browser-demo__percent">${percent}%</span>`;
      row.firstChild.textContent = label;
      row.querySelector(".browser-demo__bar span").style.width = `${percent}%`;
      if (i === top) row.className = "browser-demo__top";
      return row;
    }));
    status.textContent = text.said.replace("{label}", labels[top]).replace("{percent}", (probabilities[top] * 100).toFixed(1));
  }

  // The shape [1, 28, 28, 1] of the lesson's x: one picture, one channel.
  async function classify(x) {
    input = x;
    show(x);
    if (!session) return null;
    const name = session.inputNames[0];
    const outputs = await session.run({ [name]: new ort.Tensor("float32", x, [1, SIZE, SIZE, 1]) });
    const probabilities = Array.from(outputs[session.outputNames[0]].data);
    showProbabilities(probabilities);
    // For the curious (and the tests): what went in and what came out.
    demo.lastRun = { input: Array.from(x), probabilities, runs: (demo.lastRun?.runs || 0) + 1 };
    return probabilities;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${src} did not load`));
      document.head.append(script);
    });
  }

  async function startModel() {
    start.disabled = true;
    status.textContent = text.loading;
    try {
      await loadScript(RUNTIME + "ort.wasm.min.js");
      ort.env.wasm.wasmPaths = RUNTIME;
      ort.env.wasm.numThreads = 1; // more threads need a cross-origin isolated page
      session = await ort.InferenceSession.create(MODEL, { executionProviders: ["wasm"] });
      status.textContent = text.ready;
      demo.classList.add("browser-demo--ready");
      if (input) await classify(input);
    } catch (error) {
      start.disabled = false;
      status.textContent = `${text.failed} (${error.message})`;
    }
  }

  // The drawing pad: white paper, a thick dark pen; mouse, pen or finger.
  const pen = pad.getContext("2d");
  function blank() {
    pen.fillStyle = "#fff";
    pen.fillRect(0, 0, pad.width, pad.height);
  }
  blank();
  pen.lineCap = pen.lineJoin = "round";
  pen.lineWidth = pad.width / 12;
  pen.strokeStyle = "#000";
  let last = null;
  const at = (event) => {
    const box = pad.getBoundingClientRect();
    return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
  };
  pad.addEventListener("pointerdown", (event) => {
    pad.setPointerCapture(event.pointerId);
    last = at(event);
    pen.beginPath();
    pen.arc(...last, pen.lineWidth / 2, 0, 2 * Math.PI);
    pen.fillStyle = pen.strokeStyle;
    pen.fill();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!last) return;
    const next = at(event);
    pen.beginPath();
    pen.moveTo(...last);
    pen.lineTo(...next);
    pen.stroke();
    last = next;
  });
  const lift = () => {
    if (!last) return;
    last = null;
    classify(toModelInput(pad));
  };
  pad.addEventListener("pointerup", lift);
  pad.addEventListener("pointercancel", lift);

  clear.addEventListener("click", () => {
    blank();
    classify(toModelInput(pad));
  });

  file.addEventListener("change", async () => {
    if (!file.files.length) return;
    try {
      const picture = await createImageBitmap(file.files[0]);
      await classify(toModelInput(picture));
    } catch (error) {
      status.textContent = text.notPicture;
    }
  });

  // A page opened from a file (the offline copy) cannot fetch the wasm or the
  // model: say how to serve the folder instead.
  if (location.protocol === "file:") {
    $("offline").hidden = false;
    start.disabled = true;
  } else {
    start.addEventListener("click", startModel);
  }
  demo.classify = classify;
  demo.toModelInput = toModelInput;
})();
