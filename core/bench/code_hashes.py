"""What a cached benchmark run depends on: the hash of the tracking code it ran
(:func:`code_hashes`) and the fingerprint of a contender in the real benchmark
(:func:`real_fingerprint`). A changed test loop or network invalidates cached runs of
our models; a changed floor those of the floor only."""
from __future__ import annotations

import hashlib
from pathlib import Path

from core.bench.contenders import FLOOR_KEY, MODEL_FILES, Contender

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: the module whose import closure (within ``core``) a contender's cached runs depend on
CODE_ROOTS = {"models": "core.tracking.factory", "floor": "core.tracking.correlation"}
_CODE_HASHES: dict[str, str] | None = None


def _module_file(name: str) -> Path | None:
    base = PROJECT_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def core_sources(module: str) -> list[Path]:
    """Source files of the ``core`` module ``module`` and of every ``core`` module it imports,
    at any depth (imports inside functions included; read with ``ast``, nothing imported)."""
    import ast

    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(2, len(parts))]  # parent packages' __init__
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("core.")]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.startswith("core"):
                todo.append(node.module)
                todo += [f"{node.module}.{a.name}" for a in node.names]  # submodules imported by name
    return sorted(set(seen.values()))


def code_hashes() -> dict[str, str]:
    """``{"models" | "floor": SHA-256}`` over :func:`core_sources` of ``CODE_ROOTS``: a changed
    test loop or network invalidates cached runs of our models, a changed floor (or what it
    imports) those of the floor only. Computed once per process, as early as possible
    (``bench accuracy --real`` calls it before it loads any tracker and hands the values to
    its worker processes), so they name the code that was imported even when files change
    during a run."""
    global _CODE_HASHES
    if _CODE_HASHES is None:
        out = {}
        for key, module in CODE_ROOTS.items():
            digest = hashlib.sha256()
            for path in core_sources(module):
                digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
            out[key] = digest.hexdigest()
        _CODE_HASHES = out
    return _CODE_HASHES


def use_code_hashes(hashes: dict[str, str]) -> None:
    """Adopt hashes computed by another process (a benchmark worker takes its parent's, so
    both name the code the parent imported)."""
    global _CODE_HASHES
    _CODE_HASHES = dict(hashes)


def real_fingerprint(contender: Contender, one_step_every: int) -> str:
    """The cache fingerprint of ``contender`` in the real benchmark: the synthetic one plus,
    for our models and the floor, the hash of their code (:func:`code_hashes`) and the
    tracker's config."""
    parts = [contender.fingerprint, f"one-step {one_step_every}"]
    if contender.key in MODEL_FILES or contender.key == FLOOR_KEY:
        parts += [code_hashes()["floor" if contender.key == FLOOR_KEY else "models"],
                  repr(getattr(contender.tracker, "config", None))]
    return "|".join(parts)
