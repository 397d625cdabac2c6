"""Check the four Fashion-MNIST files and copy them into the Keras cache.

keras.datasets.fashion_mnist.load_data() downloads from storage.googleapis.com,
which many readers cannot reach. Got the files another way? Then run:

    python install_fashion_mnist.py FOLDER      # check FOLDER, then install
    python install_fashion_mnist.py             # only check the Keras cache

Every file is checked (size and SHA-256 of its decompressed content) before
anything is copied. A bad file is refused and never replaces a good one.
FOLDER may be the browser's downloads folder: a second download of a file
there ("train-labels-idx1-ubyte (1).gz") is found too, and a download the
browser has not finished (".crdownload", ".part") is named as such.
Add --lang zh or --lang en to choose the language of the messages.

Exit status: 0 all good; 1 a file is missing or bad (nothing was installed);
2 the folder does not exist; 3 the Keras cache cannot be written.
"""

import argparse
import gzip
import hashlib
import locale
import os
import re
import sys
import tempfile
import time
import zlib
from pathlib import Path

# Decompressed size and SHA-256 of each file, the order keras.datasets reads them.
FILES = {
    "train-labels-idx1-ubyte.gz": (
        60008,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "train-images-idx3-ubyte.gz": (
        47040016,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        10008,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    "t10k-images-idx3-ubyte.gz": (
        7840016,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
}

MESSAGES = {
    "zh": {
        "cache": "Keras 数据缓存：{path}",
        "source": "检查来源文件夹：{path}",
        "no_source": "找不到文件夹 {path}。请检查路径是否写对。",
        "ok": "  [正确] {name}",
        "missing": "  [缺少] {name}",
        "unfinished": "  [没下完] {name}：只找到 {partial}，浏览器还没有下载完。等它下载完，或者重新下载",
        "not_gzip": "  [损坏] {name}：不是 gzip 文件，或者文件不完整（{error}）",
        "bad_size": "  [错误] {name}：解压后应为 {expected} 字节，实际为 {actual} 字节，文件不完整或不是这份数据",
        "not_data": "  [错误] {name}：既不是 gzip 压缩文件，也不是解压后的数据（{size} 字节）。可能是下载失败时存下的网页或别的文件",
        "bad_hash": "  [错误] {name}：解压后的内容与官方数据不符（SHA-256 不一致）。会不会是同名的 MNIST 手写数字文件？",
        "raw": "  [正确] {name}（未压缩的文件，安装时会压缩成 .gz）",
        "raw_in_cache": "  [错误] {name}：缓存里的这个文件没有压缩，Keras 读不了",
        "refused": "来源文件夹里有 {count} 个文件缺少或有问题，什么都没有安装。请重新获取上面标出的文件。",
        "kept": "  [保留] {name}：缓存里已有正确的文件，不动它",
        "installed": "  [安装] {name}",
        "moved": "  [替换] {name}：缓存里的旧文件已损坏，已改名为 {backup} 留作备份",
        "done": "完成：四个文件都已就绪，keras.datasets.fashion_mnist.load_data() 现在不需要联网。",
        "cache_ok": "缓存里的四个文件都正确，load_data() 不需要联网。",
        "cache_bad": "缓存里有 {count} 个文件缺少或损坏。把四个文件放进一个文件夹，然后运行：\n  python {script} 文件夹路径",
        "not_writable": "无法写入 {path}（{error}）。请换一个有写入权限的 KERAS_HOME。",
    },
    "en": {
        "cache": "Keras data cache: {path}",
        "source": "Checking the source folder: {path}",
        "no_source": "Folder {path} not found. Check the path.",
        "ok": "  [ok]       {name}",
        "missing": "  [missing]  {name}",
        "unfinished": "  [partial]  {name}: only {partial} is there; the browser has not finished the download. Wait for it, or download it again",
        "not_gzip": "  [broken]   {name}: not a gzip file, or the file is incomplete ({error})",
        "bad_size": "  [wrong]    {name}: should be {expected} bytes decompressed but is {actual}; incomplete, or not this dataset",
        "not_data": "  [wrong]    {name}: neither a gzip file nor the decompressed data ({size} bytes); perhaps a web page saved by a failed download",
        "bad_hash": "  [wrong]    {name}: the decompressed content differs from the official data (SHA-256 mismatch). Is it the MNIST digits file of the same name?",
        "raw": "  [ok]       {name} (uncompressed; it will be gzipped on install)",
        "raw_in_cache": "  [wrong]    {name}: this copy in the cache is not compressed, so Keras cannot read it",
        "refused": "{count} file(s) in the source folder are missing or bad, so nothing was installed. Get the files marked above again.",
        "kept": "  [kept]     {name}: the cache already holds a good copy; left as it is",
        "installed": "  [copied]   {name}",
        "moved": "  [replaced] {name}: the old file in the cache was damaged; it was renamed {backup} and kept",
        "done": "Done: all four files are in place; keras.datasets.fashion_mnist.load_data() no longer needs the network.",
        "cache_ok": "All four files in the cache are intact; load_data() needs no network.",
        "cache_bad": "{count} file(s) in the cache are missing or damaged. Put the four files in one folder, then run:\n  python {script} FOLDER",
        "not_writable": "Cannot write to {path} ({error}). Choose a KERAS_HOME you can write to.",
    },
}


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


def keras_cache():
    """Where Keras looks: $KERAS_HOME or ~/.keras, then datasets/fashion-mnist."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "fashion-mnist"


def content_of(path):
    """(bytes on disk, decompressed bytes, whether the file was gzipped)."""
    stored = path.read_bytes()
    if stored[:2] == b"\x1f\x8b":
        return stored, gzip.decompress(stored), True
    return stored, stored, False


def check(path, name):
    """Return (problem key, details); the key is "ok" or "raw" for a good file."""
    if not path.is_file():
        return "missing", {}
    try:
        _, data, compressed = content_of(path)
    except (OSError, EOFError, zlib.error) as error:
        return "not_gzip", {"error": error}
    return check_content(data, compressed, name)


def check_content(data, compressed, name):
    size, digest = FILES[name]
    if len(data) != size:
        if not compressed:
            return "not_data", {"size": len(data)}
        return "bad_size", {"expected": size, "actual": len(data)}
    if hashlib.sha256(data).hexdigest() != digest:
        return "bad_hash", {}
    return ("ok" if compressed else "raw"), {}


# What browsers leave while a download runs (Chrome and Edge, Firefox, Safari).
UNFINISHED = (".crdownload", ".part", ".download")


def find_source(folder, name):
    """The file as it was downloaded (.gz), as unpacked by hand or by the
    browser (no .gz), or as a browser names a second download of it
    ("name (1).gz"): the first good one, else the first that exists, with its
    check; else a download the browser has not finished."""
    stem = name[: -len(".gz")]
    again = re.compile(rf"{re.escape(stem)} ?\((\d+)\)\.gz")
    copies = sorted((p for p in folder.iterdir() if again.fullmatch(p.name)),
                    key=lambda p: int(again.fullmatch(p.name)[1]))
    candidates = [folder / name, folder / stem, *copies]
    found = [(path, check(path, name)) for path in candidates if path.is_file()]
    for path, result in found:
        if result[0] in ("ok", "raw"):
            return path, result
    if found:
        return found[0]
    partial = [folder / (name + end) for end in UNFINISHED if (folder / (name + end)).exists()]
    if partial:
        return partial[0], ("unfinished", {"partial": partial[0].name})
    return candidates[0], ("missing", {})


def install(source, target, name, say):
    """Copy one verified file into the cache; a good cached copy is never touched."""
    if target.exists():
        if check(target, name)[0] == "ok":
            say("kept", name=name)
            return
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = target.with_name(f"{name}.damaged-{stamp}")
        n = 1
        while backup.exists():
            n += 1
            backup = target.with_name(f"{name}.damaged-{stamp}-{n}")
        os.replace(target, backup)
        say("moved", name=name, backup=backup.name)
    else:
        say("installed", name=name)
    # Check again the very bytes that get written: the source may have changed.
    stored, data, compressed = content_of(source)
    if check_content(data, compressed, name)[0] not in ("ok", "raw"):
        raise OSError(f"{source} changed while it was being installed")
    # Write next to the target, then rename: a crash never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            # Level 1: fast, and Keras reads any gzip level.
            out.write(stored if compressed else gzip.compress(data, compresslevel=1))
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", help="folder that holds the four files")
    parser.add_argument("--lang", choices=sorted(MESSAGES))
    args = parser.parse_args(argv)
    messages = MESSAGES[reader_language(args.lang)]

    def say(key, **values):
        print(messages[key].format(**values))

    cache = keras_cache()
    say("cache", path=cache)
    if args.folder is None:
        bad = 0
        for name in FILES:
            problem, details = check(cache / name, name)
            # Keras reads the cache with gzip: an uncompressed copy there is no use.
            say("raw_in_cache" if problem == "raw" else problem, name=name, **details)
            bad += problem != "ok"
        if bad:
            script = sys.argv[0] if sys.argv[0].endswith(".py") else Path(__file__).name
            say("cache_bad", count=bad, script=script)
            return 1
        say("cache_ok")
        return 0

    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        say("no_source", path=folder)
        return 2
    say("source", path=folder)
    sources, bad = {}, 0
    for name in FILES:
        sources[name], (problem, details) = find_source(folder, name)
        shown = sources[name].name if problem in ("ok", "raw") else name
        say(problem, name=shown, **details)
        bad += problem not in ("ok", "raw")
    if bad:
        say("refused", count=bad)
        return 1
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            install(sources[name], cache / name, name, say)
    except OSError as error:
        say("not_writable", path=cache, error=error)
        return 3
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
