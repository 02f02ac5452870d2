"""`chalice package` + the merge of infra/: writes build/<stage>/sam.json, the one template to deploy.

Usage: python -m infra.package STAGE OUT_DIR"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def package(stage: str, out_dir: Path) -> Path:
    prefix = f"qihang-oms-{stage}"
    # queue names in the decorators come from OMS_PREFIX at import; chalice wants a region even to package
    env = {"AWS_DEFAULT_REGION": "us-east-1", **os.environ, "OMS_PREFIX": prefix}
    merge = out_dir.parent / f"merge-{stage}.json"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    template = subprocess.run([sys.executable, "-m", "infra.template"], env=env, check=True,
                              capture_output=True, text=True).stdout
    merge.write_text(template)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--stage", stage, "--pkg-format", "cloudformation",
                    "--merge-template", str(merge), str(out_dir)], env=env, check=True)
    sam = out_dir / "sam.json"
    json.loads(sam.read_text())   # fail here, not in CloudFormation, if the merge broke the JSON
    return sam


if __name__ == "__main__":
    print(package(sys.argv[1], Path(sys.argv[2])))
