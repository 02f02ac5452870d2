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
    merged = subprocess.run([sys.executable, "-m", "infra.template"], env=env, check=True,
                            capture_output=True, text=True).stdout
    merge.write_text(merged)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--stage", stage, "--pkg-format", "cloudformation",
                    "--merge-template", str(merge), str(out_dir)], env=env, check=True)
    sam = out_dir / "sam.json"
    template = json.loads(sam.read_text())   # fail here, not in CloudFormation, if the merge broke the JSON
    template = with_font_layer(drop_unused_default_role(template), out_dir)
    sam.write_text(json.dumps(template, indent=2))
    return sam


FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")   # Debian's fonts-wqy-zenhei (`make system-deps`)


def with_font_layer(template: dict[str, Any], out_dir: Path, font: Path = FONT) -> dict[str, Any]:
    """The PDF labels and pick lists print Chinese: Lambda's image has no CJK font, and the built-in CID
    fallback is not embedded (each viewer substitutes its own face). A layer puts WenQuanYi Zen Hei at
    /opt/fonts, where chalicelib/printing/fonts.py looks, for the API function that renders them. Without
    the font on the build machine the template is left as it is (labels use the fallback)."""
    if not font.is_file() or "APIHandler" not in template["Resources"]:
        return template
    import zipfile
    layer_zip = out_dir / "cjk-font-layer.zip"
    with zipfile.ZipFile(layer_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(font, f"fonts/{font.name}")
    resources = dict(template["Resources"])
    resources["CjkFontLayer"] = {"Type": "AWS::Serverless::LayerVersion", "Properties": {
        "ContentUri": layer_zip.name, "Description": "WenQuanYi Zen Hei for PDF labels (GPLv2 with font exception)",
        "CompatibleRuntimes": ["python3.11", "python3.12"]}}
    handler = dict(resources["APIHandler"])
    handler["Properties"] = {**handler["Properties"],
                             "Layers": [*handler["Properties"].get("Layers", []), {"Ref": "CjkFontLayer"}]}
    resources["APIHandler"] = handler
    return {**template, "Resources": resources}


def drop_unused_default_role(template: dict[str, Any]) -> dict[str, Any]:
    """chalice always writes its shared DefaultRole (sqs:* on "*"); every function has its own role from
    infra/iam.py, so an unreferenced DefaultRole is only a wildcard policy lying around."""
    rest = {k: v for k, v in template["Resources"].items() if k != "DefaultRole"}
    if "DefaultRole" in template["Resources"] and '"DefaultRole"' not in json.dumps(rest):
        template = {**template, "Resources": rest}
    return template


if __name__ == "__main__":
    print(package(sys.argv[1], Path(sys.argv[2])))
