"""One platform shape: every package declares a PlatformSpec registered in platforms/registry.py, its files
have roles from one vocabulary, and the per-platform tables elsewhere read the registry."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.platforms import registry
from chalicelib.platforms.platform_spec import FILE_ROLES, Capability

ROOT = Path(registry.__file__).resolve().parents[1]
PLATFORMS = ROOT / "platforms"
FOLDERS = sorted(p.name for p in PLATFORMS.iterdir() if (p / "__init__.py").exists())


def test_given_the_platform_folders_then_each_has_a_spec_and_each_spec_a_folder() -> None:
    assert sorted(registry.PACKAGES) == FOLDERS
    assert sorted(spec.package for spec in registry.specs()) == FOLDERS
    assert {spec.platform for spec in registry.specs()} == set(Platform) - {Platform.OFFLINE}
    assert registry.spec_of(Platform.OFFLINE) is None and registry.spec_of("nowhere") is None


@pytest.mark.parametrize("folder", FOLDERS)
def test_given_a_platform_package_then_every_file_has_a_role_from_the_vocabulary(folder: str) -> None:
    roles = {p.stem for p in (PLATFORMS / folder).glob("*.py")}
    assert roles <= FILE_ROLES, f"{folder}: {sorted(roles - FILE_ROLES)} are not roles of {sorted(FILE_ROLES)}"
    assert {"client", "gateway", "signing", "mapping", "spec"} <= roles


@pytest.mark.parametrize("spec", registry.specs(), ids=lambda s: s.package)
def test_given_a_spec_then_its_files_and_tables_agree_with_it(spec) -> None:
    files = {p.stem for p in (PLATFORMS / spec.package).glob("*.py")}
    assert spec.can(Capability.PUSH) == ("push" in files)
    assert spec.can(Capability.TMC) == ("tmc" in files)
    assert spec.can(Capability.PULL)
    assert spec.print_component.platform is spec.platform
    assert all(table for table in registry.carrier_tables(spec.platform)), "every carrier table named exists"


def test_given_the_services_then_their_per_platform_tables_come_from_the_registry() -> None:
    from chalicelib.printing.components import COMPONENTS
    from chalicelib.services.action_handlers.shipments import PACKAGES
    from chalicelib.services.shop_admin import SELF_AUTHORISING, SELLER_IN_TOKEN
    from chalicelib.services.waybill_ports import STANDARD_TEMPLATES
    from chalicelib.services.waybill_print import PLATFORM_NAMES
    # the values these tables held before they moved into the specs
    assert {Platform.TAOBAO, Platform.JD, Platform.PDD, Platform.DOUYIN, Platform.XHS} == SELLER_IN_TOKEN
    assert {Platform.DOUYIN, Platform.WECHAT} == SELF_AUTHORISING
    assert PLATFORM_NAMES == {"taobao": "淘宝", "jd": "京东", "pdd": "拼多多", "douyin": "抖音",
                              "wechat": "微信小店", "kuaishou": "快手", "xhs": "小红书"}
    assert {p: p for p in registry.PACKAGES} == PACKAGES
    assert set(COMPONENTS) == set(Platform) - {Platform.OFFLINE}
    assert STANDARD_TEMPLATES == {
        "douyin": "https://lf3-cm.ecombdstatic.com/obj/logistics-davinci/template/{code}76x130.xml",
        "jd": "https://template-content.jd.com/template-oss?tempCode=jdkd76x130"}


def test_given_the_code_outside_the_platforms_then_only_the_registry_loads_platform_modules_by_name() -> None:
    by_name = re.compile(r"import_module\(\s*f?[\"']chalicelib\.platforms\.")
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if p != PLATFORMS / "registry.py" and by_name.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
