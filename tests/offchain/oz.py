"""`@openzeppelin/merkle-tree` itself, run with node: the reference the Python trees are checked against."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "offchain" / "js" / "oz_trees.mjs"


def trees(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Root, proofs and multiproof of each case (`types`, `values`, `multi` leaf indices), as
    `oz_trees.mjs` prints them."""
    node = shutil.which("node")
    assert node, "node is required: the README's setup installs it with npm"
    result = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(cases), capture_output=True, text=True, cwd=ROOT, check=True
    )
    output: list[dict[str, Any]] = json.loads(result.stdout)
    return output
