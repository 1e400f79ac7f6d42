"""The domain never imports Qt: every module outside annotator/ui (and the gui command) imports without it."""
import pkgutil
import subprocess
import sys
from pathlib import Path

import annotator

SKIP = ("annotator.ui", "annotator.cli.cmd_gui", "annotator.migrations")


def domain_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(Path(annotator.__file__).parent)], "annotator."):
        if not info.name.startswith(SKIP):
            names.append(info.name)
    return sorted(names)


def test_domain_modules_never_import_qt():
    modules = domain_modules()
    assert {"annotator.suggest.engine", "annotator.coding", "annotator.workflow.merge", "annotator.export.xlsx",
            "annotator.patterns", "annotator.importer"} <= set(modules)
    code = ("import builtins\n"
            "real = builtins.__import__\n"
            "def guard(name, *a, **k):\n"
            "    if name.startswith('PySide6') or name.startswith('shiboken'):\n"
            "        raise ImportError('Qt imported by the domain: ' + name)\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = guard\n"
            "import importlib\n"
            f"for m in {modules!r}:\n"
            "    importlib.import_module(m)\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
