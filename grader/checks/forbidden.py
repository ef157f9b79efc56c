"""Static detection of forbidden library calls, read from the submission's source (never run).

The curriculum forbids each torch exercise the op it re-implements and autograd. This finds,
for every top-level definition (function, class, or a name assigned at the top level), the
torch names it refers to, resolving imports and their aliases:

    import torch.nn.functional as F          F.conv2d(...)          -> torch.nn.functional.conv2d
    from torch.nn import functional as fn    fn.conv2d(...)         -> torch.nn.functional.conv2d
    from torch.optim import Adam             class A(Adam): ...     -> torch.optim.Adam
    loss.backward()                                                 -> autograd

A name is forbidden when it is rooted at `torch` and its last part is one of the exercise's
forbidden names. A definition is affected when it, or a top-level definition it refers to (its
helpers, transitively), uses a forbidden name. Code outside definitions (a `__main__` block
comparing with torch, a notebook's experiments) never counts. What this misses (`getattr`,
names built at run time) the worker's run-time watch catches (`grader.drivers.watch`).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from grader.submission import Submission


@dataclass(frozen=True)
class Use:
    api: str  # what it calls: "torch.nn.functional.conv2d"
    filename: str  # "exercise5.py", or "exercise5.ipynb, cell 4"
    line: int
    definition: str  # the top-level definition whose code contains the use

    def __str__(self) -> str:
        return f"`{self.definition}` uses {self.api} ({self.filename}, line {self.line})"


def forbidden_uses(submission: Submission, names: frozenset[str], functions: tuple[str, ...]) -> list[Use]:
    """The forbidden uses in `functions` and in the top-level definitions they depend on."""
    direct, references = _scan(submission, names)
    seen, pending, uses = set(), list(functions), []
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        uses += direct.get(name, [])
        pending += sorted(references.get(name, set()))
    return uses


@functools.lru_cache(maxsize=8)  # every check of a submission asks again
def _scan(submission: Submission, names: frozenset[str]):
    """Per top-level definition: its forbidden uses, and the top-level names it refers to."""
    trees = []
    for cell in submission.cells:
        try:
            trees.append((cell.filename, ast.parse(cell.source, cell.filename)))
        except (SyntaxError, ValueError):  # the worker reports it; nothing to scan
            continue
    aliases = {}
    for _, tree in trees:
        aliases.update(_imports(tree))
    definitions = {name: (filename, node) for filename, tree in trees for name, node in _definitions(tree)}
    direct, references = {}, {}
    for name, (filename, node) in definitions.items():
        direct[name] = [Use(api, filename, line, name) for api, line in _torch_uses(node, aliases, names)]
        references[name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in definitions} - {name}
    return direct, references


def _imports(tree: ast.AST) -> dict[str, str]:
    """Local name -> the qualified name it stands for, for every torch import in the tree."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # `import torch.nn.functional` binds `torch`
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return {local: qualified for local, qualified in aliases.items() if qualified.split(".")[0] == "torch"}


def _definitions(tree: ast.Module):
    """(name, node) of each top-level def, class, and assignment to a plain name."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    yield target.id, node


def _torch_uses(node: ast.AST, aliases: dict[str, str], names: frozenset[str]):
    """(qualified name, line) of each forbidden torch name `node` refers to."""
    for child in ast.walk(node):
        qualified = _qualified(child, aliases)
        if qualified and qualified.split(".")[-1] in names:
            yield qualified, child.lineno
        elif "backward" in names and _is_autograd_backward(child):
            yield "autograd (.backward())", child.lineno


def _qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`F.conv2d` -> "torch.nn.functional.conv2d" when F is an alias of torch.nn.functional."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def _is_autograd_backward(node: ast.AST) -> bool:
    """`loss.backward()` or `out.backward(gradient=g)`: autograd's form, not a student's own
    `layer.backward(dout)` (a call with a positional upstream gradient is left to the run-time watch)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "backward"
            and not node.args)
