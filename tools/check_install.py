"""Check a Keras install, step by step, and say how to fix what is wrong.

    python check_install.py              # check this computer
    python check_install.py --network    # also check that the download hosts answer
    python check_install.py --lang en    # messages in English (or --lang zh)

It checks, in this order: Python's version and bitness; the operating system
(and, on Windows on ARM, whether this Python runs natively or emulated);
which pip index is in effect; which of Keras, TensorFlow, JAX and PyTorch are
installed; the Keras backend and whether it imports; the GPUs it sees (and,
for TensorFlow, the CUDA and cuDNN versions it was built with); the
Fashion-MNIST files in the Keras cache; and, only with --network, whether
storage.googleapis.com and the pip mirrors answer.

It needs nothing but Python itself, and changes nothing on the computer.
It exits with 1 only when something would stop the guide's examples.

The checks themselves are in the folder doctor/ beside this file, one module
per concern; this file runs them in order and prints what they found.
"""

import argparse
import locale
import os
import platform
import struct
import sys

# Python puts the folder of the script it runs (or the .pyz itself) first on
# sys.path: the doctor/ beside this file is found wherever it is run from.
from doctor import data_and_network, keras_setup, system
from doctor.messages import LABELS, MESSAGES


def reader_language(choice=None):
    if choice:
        return choice
    names = [os.environ.get(k, "") for k in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    try:
        names.append(str(locale.getlocale()[0] or ""))
    except ValueError:
        pass
    for name in names:
        if name.lower().startswith("zh") or "chinese" in name.lower():
            return "zh"
        if name and name not in ("C", "POSIX", "C.UTF-8"):
            return "en"
    return "en"


# --- Putting it together ----------------------------------------------------


def main(argv=None, facts=None):
    """facts: what to use instead of looking at this computer (for the tests)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", action="store_true", help="also check the download hosts")
    parser.add_argument("--lang", choices=sorted(MESSAGES))
    args = parser.parse_args(argv)
    language = reader_language(args.lang)
    messages, labels = MESSAGES[language], LABELS[language]
    facts = facts or {}

    def fact(name, find):
        return facts[name] if name in facts else find()

    levels = []

    def report(found):
        for level, key, values in found:
            values = dict(values)
            if isinstance(values.get("problem"), tuple):
                problem_key, problem_values = values["problem"]
                values["problem"] = messages[problem_key].format(**problem_values)
            if "source" in values:
                source = values["source"]
                values["source"] = messages["source_from"].format(source) if source else messages["source_default"]
            print(labels[level], messages[key].format(**values))
            levels.append(level)

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    print(messages["title"])
    report(system.check_python(fact("python", lambda: tuple(sys.version_info[:3])), fact("bits", lambda: struct.calcsize("P") * 8)))
    report(system.check_os(fact("system", platform.system), fact("release", platform.release), fact("machine", platform.machine)))
    report(system.check_windows_arm(fact("windows_architectures", system.windows_architectures)))
    report(system.check_pip_index(fact("pip_config", system.pip_config)))
    versions = fact("versions", keras_setup.installed_versions)
    report(keras_setup.check_packages(versions))

    environ = fact("environ", lambda: dict(os.environ))
    home = fact("home", lambda: os.path.expanduser("~"))
    backend, source, notes = keras_setup.backend_setting(environ, home)
    report(notes)
    can_import = versions.get("keras") and backend in keras_setup.BACKENDS
    probe = fact("probe", keras_setup.probe_keras) if can_import else None
    report(keras_setup.check_backend(backend, source, probe))
    tf_build = fact("tf_build", keras_setup.tensorflow_build_info) if versions.get("tensorflow") else None
    report(keras_setup.check_gpus(probe, tf_build, fact("system", platform.system)))

    cache = data_and_network.keras_cache(environ, home)
    dataset = data_and_network.check_dataset(cache)
    report(dataset)

    if args.network:
        network = data_and_network.check_hosts(fact("hosts", data_and_network.download_hosts), fact("timeout", lambda: data_and_network.TIMEOUT))
        report(network)
        google_down = ("warn", "storage.googleapis.com") in [(level, v["name"]) for level, _, v in network]
        if google_down and any(key == "dataset_missing" for _, key, _ in dataset):
            report([("fail", "dataset_blocked", {})])
    else:
        report([("info", "network_skipped", {})])

    failures = levels.count("fail")
    print(messages["summary_fail"].format(count=failures) if failures else messages["summary_ok"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
