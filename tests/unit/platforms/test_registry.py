"""One platform shape: every package declares a PlatformSpec registered in platforms/registry.py, its files
have roles from one vocabulary, and the per-platform tables elsewhere read the registry."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.platforms import registry
from chalicelib.platforms.registry import FILE_ROLES
from chalicelib.services.platform_ports import Capability

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


def test_given_the_specs_then_they_hold_the_per_platform_facts_the_services_read() -> None:
    from chalicelib.printing.components import COMPONENTS
    from chalicelib.services.shop_admin import self_authorising, seller_in_token
    # the values the services' own tables held before they moved into the specs
    assert {p for p in Platform if seller_in_token(registry, p)} == {
        Platform.TAOBAO, Platform.JD, Platform.PDD, Platform.DOUYIN, Platform.XHS}
    assert {p for p in Platform if self_authorising(registry, p)} == {Platform.DOUYIN, Platform.WECHAT}
    assert {s.platform.value: s.name_zh for s in registry.specs()} == {
        "taobao": "淘宝", "jd": "京东", "pdd": "拼多多", "douyin": "抖音", "wechat": "微信小店", "kuaishou": "快手",
        "xhs": "小红书"}
    assert {s.package for s in registry.specs()} == set(registry.PACKAGES)
    assert set(COMPONENTS) == set(Platform) - {Platform.OFFLINE}
    assert {s.platform.value: s.standard_template for s in registry.specs() if s.standard_template} == {
        "douyin": "https://lf3-cm.ecombdstatic.com/obj/logistics-davinci/template/{code}76x130.xml",
        "jd": "https://template-content.jd.com/template-oss?tempCode=jdkd76x130"}


def test_given_the_code_outside_the_platforms_then_only_the_registry_loads_modules_by_name() -> None:
    by_name = re.compile(r"import_module\(|__import__\(")
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if p != PLATFORMS / "registry.py" and by_name.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
