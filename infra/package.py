"""`chalice package` + the merge of infra/: writes build/<stage>/sam.json, the one template to deploy.

Usage: python -m infra.package STAGE OUT_DIR"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


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
    template = json.loads(sam.read_text())   # fail here, not in CloudFormation, if the merge broke the JSON
    sam.write_text(json.dumps(drop_unused_default_role(template), indent=2))
    return sam


def drop_unused_default_role(template: dict[str, Any]) -> dict[str, Any]:
    """chalice always writes its shared DefaultRole (sqs:* on "*"); every function has its own role from
    infra/iam.py, so an unreferenced DefaultRole is only a wildcard policy lying around."""
    rest = {k: v for k, v in template["Resources"].items() if k != "DefaultRole"}
    if "DefaultRole" in template["Resources"] and '"DefaultRole"' not in json.dumps(rest):
        template = {**template, "Resources": rest}
    return template


if __name__ == "__main__":
    print(package(sys.argv[1], Path(sys.argv[2])))
