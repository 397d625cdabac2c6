"""The Fashion-MNIST files in the Keras cache, and (only with --network)
whether the download hosts answer."""

import gzip
import hashlib
import os
import time
import urllib.error
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# Current domestic mirrors, the same as the table on the installation page.
MIRRORS = {
    "TUNA": "https://pypi.tuna.tsinghua.edu.cn/simple",
    "USTC": "https://mirrors.ustc.edu.cn/pypi/simple",
    "BFSU": "https://mirrors.bfsu.edu.cn/pypi/web/simple",
    "Aliyun": "https://mirrors.aliyun.com/pypi/simple",
    "Tencent Cloud": "https://mirrors.cloud.tencent.com/pypi/simple",
}
DATASET_HOST = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz"
TIMEOUT = 5  # seconds, for each host

# Decompressed size and SHA-256 of each Fashion-MNIST file (as install_fashion_mnist.py).
FASHION_MNIST = {
    "train-labels-idx1-ubyte.gz": (60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "train-images-idx3-ubyte.gz": (47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "t10k-labels-idx1-ubyte.gz": (10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    "t10k-images-idx3-ubyte.gz": (7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
}


# --- 7. Fashion-MNIST in the Keras cache ------------------------------------


def keras_cache(environ, home):
    keras_dir = environ["KERAS_HOME"] if "KERAS_HOME" in environ else os.path.join(home, ".keras")
    return Path(keras_dir) / "datasets" / "fashion-mnist"


def check_dataset(cache):
    found, missing = [], 0
    for name, (size, digest) in FASHION_MNIST.items():
        path = cache / name
        if not path.is_file():
            missing += 1
            continue
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error):
            found.append(("fail", "dataset_bad", {"name": name, "problem": ("bad_gzip", {})}))
            continue
        if len(data) != size:
            problem = ("bad_size", {"actual": len(data), "expected": size})
            found.append(("fail", "dataset_bad", {"name": name, "problem": problem}))
        elif hashlib.sha256(data).hexdigest() != digest:
            found.append(("fail", "dataset_bad", {"name": name, "problem": ("bad_hash", {})}))
    if missing:
        found.append(("warn", "dataset_missing", {"path": cache, "count": missing}))
    if not found:
        found.append(("ok", "dataset_ok", {"path": cache}))
    return found


# --- 8. The network (only with --network) -----------------------------------


def answers(url, timeout):
    """None if the host answers (any HTTP status will do), else the reason it does not."""
    start = time.monotonic()
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        pass  # the server answered, if only to refuse
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))
    return round((time.monotonic() - start) * 1000), None


def download_hosts():
    """Where the guide downloads from: the dataset's host, PyPI and each mirror."""
    hosts = {"storage.googleapis.com": DATASET_HOST, "pypi.org": "https://pypi.org/simple/keras/"}
    hosts.update({name: url + "/keras/" for name, url in MIRRORS.items()})
    return hosts


def check_hosts(hosts, timeout):
    """hosts: {name: url}. All are tried at once, each for at most `timeout` seconds."""
    with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
        results = list(pool.map(lambda url: answers(url, timeout), hosts.values()))
    found = []
    for name, (ms, error) in zip(hosts, results):
        if error is None:
            found.append(("ok", "network_ok", {"name": name, "ms": ms}))
        else:
            found.append(("warn", "network_failed", {"name": name, "error": error}))
    return found

