"""Packaging scripts: version metadata, the NSIS script (compiled when makensis is here),
the PyInstaller spec's essentials, and the CI hooks."""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import counter_app
from counter_app import APP_AUTHOR, APP_NAME

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
NSI = (PACKAGING / "installer.nsi").read_text(encoding="utf-8-sig")
needs_makensis = pytest.mark.skipif(
    shutil.which("makensis") is None, reason="makensis missing (apt-get install nsis)"
)


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"_pkg_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


meta = load("build_meta")


# -- version metadata ----------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "CI",
        "GIT_AUTHOR_EMAIL": "ci@example.invalid",
        "GIT_COMMITTER_NAME": "CI",
        "GIT_COMMITTER_EMAIL": "ci@example.invalid",
    }
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return out.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A tiny git repository with the project's pyproject.toml (its scm settings)."""
    if shutil.which("git") is None:
        pytest.skip("git missing")
    pytest.importorskip("setuptools_scm")
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    git(root, "init", "-q")
    git(root, "add", "pyproject.toml")
    git(root, "commit", "-qm", "first")
    return root


def commit(root: Path, n: int) -> None:
    for i in range(n):
        (root / f"f{i}.txt").write_text(str(i), encoding="utf-8")
        git(root, "add", ".")
        git(root, "commit", "-qm", f"change {i}")


def test_the_version_is_the_tag_on_the_tagged_commit(repo):
    git(repo, "tag", "-a", "v0.2.0", "-m", "first release")
    assert meta.package_version(repo) == "0.2.0"


def test_the_version_counts_the_commits_since_the_tag(repo):
    git(repo, "tag", "-a", "v0.2.0", "-m", "first release")
    commit(repo, 3)
    head = git(repo, "rev-parse", "--short", "HEAD")
    version = meta.package_version(repo)
    assert version.startswith("0.2.0.post3+g") and head[:7] in version
    assert meta.version_tuple(version) == (0, 2, 0, 3)


def test_uncommitted_changes_mark_the_version(repo):
    git(repo, "tag", "-a", "v0.2.0", "-m", "first release")
    (repo / "pyproject.toml").write_text(
        (repo / "pyproject.toml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert ".d" in meta.package_version(repo).split("+", 1)[1]


def test_a_source_tree_without_git_says_its_version_is_unknown(tmp_path):
    pytest.importorskip("setuptools_scm")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert meta.package_version(tmp_path) == "0.0.0+unknown" == meta.UNKNOWN_VERSION


def test_build_and_pip_derive_the_version_with_one_set_of_settings():
    settings = meta.scm_settings()
    assert settings == {
        "version_scheme": "post-release",
        "local_scheme": "node-and-date",
        "fallback_version": "0.0.0+unknown",
    }
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'version_file = "counter_app/_version.py"' in text
    assert "setuptools-scm" in text.split("[build-system]", 1)[1].split("[project]", 1)[0]


def test_the_version_file_is_what_the_app_reports(tmp_path):
    path = meta.write_version_file("0.2.0.post3+g1a2b3c4", tmp_path / "_version.py")
    namespace: dict = {}
    exec(path.read_text(encoding="utf-8"), namespace)  # noqa: S102 - our generated file
    assert namespace["__version__"] == "0.2.0.post3+g1a2b3c4"
    assert "counter_app/_version.py" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_without_a_version_file_the_app_says_unknown(monkeypatch):
    import importlib

    monkeypatch.setitem(sys.modules, "counter_app._version", None)  # import fails
    reloaded = importlib.reload(counter_app)
    try:
        assert reloaded.__version__ == "0.0.0+unknown"
    finally:
        monkeypatch.undo()
        importlib.reload(counter_app)


@pytest.mark.parametrize(
    "version, expected",
    [
        ("0.2.0.post3+g1a2b3c4", (0, 2, 0, 3)),
        ("0.2.0+d20261126", (0, 2, 0, 0)),
        ("0.2.0.post12+g99887766.d20261126", (0, 2, 0, 12)),
        ("0.0.0+unknown", (0, 0, 0, 0)),
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("0.3.0.dev4", (0, 3, 0, 4)),
        ("2.0.0rc1", (2, 0, 0, 1)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
    ],
)
def test_windows_version_tuple(version, expected):
    assert meta.version_tuple(version) == expected


@pytest.mark.parametrize("version", ["dev", "70000.1"])
def test_impossible_windows_versions_are_refused(version):
    with pytest.raises(ValueError):
        meta.version_tuple(version)


def _eval_version_info(text: str) -> dict:
    """Evaluate the VSVersionInfo text with stand-ins that record what was passed."""

    def rec(kind):
        return lambda *a, **kw: {"kind": kind, "args": a, **kw}

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "VarFileInfo",
        "VarStruct",
    ]
    env = {n: rec(n) for n in names} | {"StringStruct": lambda k, v: (k, v)}
    return eval(text, {"__builtins__": {}}, env)  # noqa: S307 - our own generated text


def test_version_info_carries_the_package_version_and_office():
    info = _eval_version_info(meta.version_info_text("0.4.1", "XA-MAU", "Trung tâm xã Mẫu Sơn"))
    assert info["ffi"]["filevers"] == (0, 4, 1, 0) == info["ffi"]["prodvers"]
    table = info["kids"][0]["args"][0][0]
    strings = dict(table["args"][1])
    assert strings["FileVersion"] == strings["ProductVersion"] == "0.4.1"
    assert strings["OriginalFilename"] == "counter_app.exe"
    assert strings["FileDescription"].endswith("Trung tâm xã Mẫu Sơn")
    assert "XA-MAU" in strings["Comments"]


def test_version_info_is_read_by_pyinstaller(tmp_path):
    pytest.importorskip("pefile")  # a PyInstaller dependency on Windows only
    versioninfo = pytest.importorskip("PyInstaller.utils.win32.versioninfo")
    path = tmp_path / "version_info.txt"
    path.write_text(meta.version_info_text("1.2.3", "X", "Xã Ý"), encoding="utf-8")
    info = versioninfo.load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS == (1 << 16) | 2 and info.ffi.fileVersionLS == 3 << 16


def test_version_info_cli_writes_the_file(tmp_path):
    out = tmp_path / "v.txt"
    assert (
        meta.main(["version-info", str(out), "--office", str(ROOT / "profiles" / "XA-MAU.toml")])
        == 0
    )
    assert "XA-MAU" in out.read_text(encoding="utf-8")


def test_nsis_strings_are_escaped():
    assert meta.nsis_string('Xã "A" $TEMP') == '"Xã $\\"A$\\" $$TEMP"'


def test_office_include_and_installer_name():
    nsh = meta.office_nsh("0.2.0", "XA-MAU", "Trung tâm xã Mẫu Sơn")
    assert '!define OFFICE_NAME "Trung tâm xã Mẫu Sơn"' in nsh
    assert '!define VERSION_4 "0.2.0.0"' in nsh
    assert meta.installer_filename("0.2.0", "XA-MAU") == "counter_app-XA-MAU-0.2.0-setup.exe"


# -- the NSIS script -----------------------------------------------------------------


@pytest.mark.parametrize(
    "needle",
    [
        "Unicode true",
        "RequestExecutionLevel user",
        '!insertmacro MUI_LANGUAGE "Vietnamese"',
        '!define USER_INSTDIR "$LOCALAPPDATA\\Programs\\${PRODUCT}"',
        '!define MACHINE_INSTDIR "$PROGRAMFILES64\\${PRODUCT}"',
        "ManifestSupportedOS all",
        '!include "WinVer.nsh"',
        '!include "x64.nsh"',
        "${IfNot} ${AtLeastWin8.1}",
        "${IfNot} ${RunningX64}",
        '${VersionCompare} "${VERSION_4}" "$R5" $R7',
        'WriteRegStr SHCTX "${UNINST_KEY}" "VersionNumber" "${VERSION_4}"',
        'ExecShell "runas" "$EXEPATH" "$R0 /ALLUSERS"',
        "Page custom ModePageShow ModePageLeave",
        'OutFile "${OUT_DIR}\\counter_app-${OFFICE_CODE}-${VERSION}-setup.exe"',
        'Name "${APP_TITLE} — ${OFFICE_NAME} (${OFFICE_CODE})"',
        "WriteUninstaller",
        "$SMPROGRAMS\\${SHORTCUT_NAME}",
        "$DESKTOP\\${SHORTCUT_NAME}",
        'VIProductVersion "${VERSION_4}"',
    ],
)
def test_installer_script_has(needle):
    assert needle in NSI


def test_installer_data_folder_is_the_apps_data_folder():
    # paths.data_dir() on Windows: platformdirs user_data_dir(APP_NAME, APP_AUTHOR).
    assert f'!define DATA_PARENT "$LOCALAPPDATA\\{APP_AUTHOR}"' in NSI
    assert f'!define DATA_DIR "${{DATA_PARENT}}\\{APP_NAME}"' in NSI


def test_uninstaller_keeps_data_unless_asked():
    sections = [line for line in NSI.splitlines() if line.startswith("Section")]
    data = [s for s in sections if "${DATA_DIR}" in NSI and "un.Xóa" in s]
    assert data and data[0].startswith("Section /o "), "the delete-data section must be unticked"
    # the data folder is removed only inside that section, after a confirmation
    body = NSI.split(data[0], 1)[1].split("SectionEnd", 1)[0]
    assert "MB_DEFBUTTON2" in body and "/SD IDNO" in body and 'RMDir /r "${DATA_DIR}"' in body
    assert NSI.count('RMDir /r "${DATA_DIR}"') == 1


def test_uninstaller_never_removes_the_whole_install_folder_recursively():
    code = [ln.strip() for ln in NSI.splitlines() if not ln.strip().startswith(";")]
    assert 'RMDir /r "$INSTDIR"' not in code
    assert 'RMDir /r "$INSTDIR\\_internal"' in code
    assert 'Delete "$INSTDIR\\${EXE_NAME}"' in code
    assert 'Delete "$INSTDIR\\${CONSOLE_EXE_NAME}"' in code


def make_dist(folder: Path) -> Path:
    dist = folder / "dist" / "counter_app"
    (dist / "_internal" / "resources").mkdir(parents=True)
    (dist / "counter_app.exe").write_bytes(b"MZ fake")
    (dist / "counter_app_console.exe").write_bytes(b"MZ fake")
    (dist / "_internal" / "resources" / "procedures.csv").write_text("code\n", encoding="utf-8")
    (dist / "_internal" / "VERSION.txt").write_text("0.2.0.post3+g1a2b3c4\n", encoding="utf-8")
    return dist


def write_profile(folder: Path, code: str, name: str) -> Path:
    path = folder / f"{code}.toml"
    path.write_text(
        f'[office]\ncode = "{code}"\nname = \'{name}\'\ncounters = ["Quầy 1"]\n'
        '[[officers]]\nname = "Lê Thị Hồng"\nrole = "supervisor"\n',
        encoding="utf-8",
    )
    return path


@needs_makensis
def test_installer_compiles_with_makensis(tmp_path, capsys):
    maker = load("make_installer")
    dist = make_dist(tmp_path)
    office = write_profile(tmp_path, "XA-TEST", 'Trung tâm "Một cửa" xã Đồng $Hòa')
    out = tmp_path / "out"
    assert (
        maker.main(
            [
                "--office",
                str(office),
                "--dist",
                str(dist),
                "--out",
                str(out),
                "--work",
                str(tmp_path / "work"),
                "--fast",
            ]
        )
        == 0
    )
    # named after the bundle's own version (VERSION.txt), not whatever git says now
    installer = out / "counter_app-XA-TEST-0.2.0.post3+g1a2b3c4-setup.exe"
    data = installer.read_bytes()
    assert data[:2] == b"MZ"
    assert "installer:" in capsys.readouterr().out
    # Windows reports 8.1+ as 8.0 to an exe whose manifest lacks these: the Windows 8.1
    # check would then refuse every PC
    for os_guid in (
        b"1f676c76-80e1-4239-95bb-83d0f6d0da78",  # Windows 8.1
        b"8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a",  # Windows 10 and 11
    ):
        assert os_guid in data
    assert b"asInvoker" in data  # starts without a UAC prompt (per user by default)


@needs_makensis
def test_makensis_refuses_the_script_without_its_defines(tmp_path):
    result = subprocess.run(
        ["makensis", "-V1", f"-DOUT_DIR={tmp_path}", str(PACKAGING / "installer.nsi")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "make_installer.py" in result.stdout + result.stderr


def test_installer_needs_a_bundle(tmp_path):
    maker = load("make_installer")
    office = write_profile(tmp_path, "XA-TEST", "Xã")
    with pytest.raises(SystemExit, match="build the bundle first"):
        maker.defines(office, tmp_path / "nothing", tmp_path / "out", work=tmp_path / "w")


# -- the PyInstaller spec ------------------------------------------------------------


SPEC = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))


def call_keywords(name: str) -> dict:
    for node in ast.walk(SPEC):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
            return {k.arg: k.value for k in node.keywords}
    raise AssertionError(f"build.spec never calls {name}")


def test_spec_is_one_folder_windowed_without_upx():
    exe, coll = call_keywords("EXE"), call_keywords("COLLECT")
    assert ast.literal_eval(exe["exclude_binaries"]) is True  # one-folder
    assert ast.literal_eval(exe["console"]) is False
    assert ast.literal_eval(exe["upx"]) is False and ast.literal_eval(coll["upx"]) is False
    assert "icon" in exe and "version" in exe


def test_spec_has_a_console_twin_for_the_command_line():
    calls = [
        node
        for node in ast.walk(SPEC)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "EXE"
    ]
    consoles = [
        c
        for c in calls
        if any(k.arg == "console" and ast.literal_eval(k.value) for k in c.keywords)
    ]
    assert len(calls) == 2 and len(consoles) == 1
    collect = next(
        node
        for node in ast.walk(SPEC)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "COLLECT"
    )
    assert [a.id for a in collect.args[:2]] == ["exe", "exe_console"]


def test_spec_names_the_hidden_imports_the_scan_cannot_see():
    source = ast.unparse(SPEC)
    assert "'PIL._tkinter_finder'" in source
    # our own modules are imported plainly (no names in strings): the scan sees them all
    assert "collect_submodules" not in source


def test_spec_bundles_resources_and_the_office_profile():
    source = ast.unparse(SPEC)
    assert "ROOT / 'resources'), 'resources'" in source
    assert "EMBEDDED_NAME" in source and "load_profile_file" in source


# -- CI hooks ------------------------------------------------------------------------


def test_ci_build_script_is_executable_and_installs_pyinstaller_itself():
    script = PACKAGING / "ci_build.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert 'pip install -q -e ".[build]"' in text
    assert "xvfb-run" in text and "measure_startup.py" in text and "make_installer.py" in text


def test_ci_packages_list_nsis():
    lines = (PACKAGING / "ci_packages.txt").read_text(encoding="utf-8").splitlines()
    assert "nsis" in [ln.strip() for ln in lines if not ln.startswith("#")]


def test_windows_workflow_builds_every_profile_and_checks_the_frozen_self_test():
    text = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    assert "ls profiles/*.toml" in text and "fromJSON(needs.profiles.outputs.list)" in text
    assert '-ArgumentList "--self-test" -Wait -PassThru' in text
    assert "if ($p.ExitCode -ne 0) { exit 1 }" in text
    assert "python -m pytest" in text and "make_installer.py" in text
    assert "actions/upload-artifact" in text and "if-no-files-found: error" in text


def test_installer_refuses_old_and_32_bit_windows_before_anything_else():
    on_init = NSI.split("Function .onInit", 1)[1].split("FunctionEnd", 1)[0]
    assert on_init.strip().startswith("!insertmacro REFUSE_UNSUPPORTED_WINDOWS")
    macro = NSI.split("!macro REFUSE_UNSUPPORTED_WINDOWS", 1)[1].split("!macroend", 1)[0]
    assert macro.count("/SD IDOK") == 2 and macro.count("SetErrorLevel 2") == 2
    assert "Windows 8.1" in NSI and "64-bit" in NSI


def test_installer_offers_per_machine_and_keeps_data_per_user():
    page = NSI.split("Function ModePageShow", 1)[1].split("FunctionEnd", 1)[0]
    assert "Program Files" in page and "AppLocker" in page
    assert 'StrCpy $Mode "user"' in NSI.split("Function .onInit", 1)[1]  # the default
    apply = NSI.split("Function ApplyMode", 1)[1].split("FunctionEnd", 1)[0]
    assert "SetShellVarContext all" in apply and "SetShellVarContext current" in apply
    # the data folder is the user's in both modes, and a per-machine uninstall never
    # offers to delete "the" data (it would be the administrator's)
    assert '!define DATA_PARENT "$LOCALAPPDATA\\counter_app"' in NSI
    un_init = NSI.split("Function un.onInit", 1)[1].split("FunctionEnd", 1)[0]
    assert 'SectionSetText ${SecUnData} ""' in un_init
    assert "HKCU" not in NSI.split("Section ", 1)[1].split("SectionEnd", 1)[0]


def test_installer_warns_before_a_downgrade_and_refuses_it_silently():
    body = NSI.split("Function WarnBeforeDowngrade", 1)[1].split("FunctionEnd", 1)[0]
    assert "MB_DEFBUTTON2" in body and "/SD IDNO" in body and "/DOWNGRADE" in body
    assert "${If} $R7 == 2" in body  # VersionCompare: 2 = this installer is older


def test_make_installer_names_the_installer_after_the_bundle(tmp_path):
    maker = load("make_installer")
    dist = make_dist(tmp_path)
    assert maker.bundle_version(dist) == "0.2.0.post3+g1a2b3c4"
    (dist / "_internal" / "VERSION.txt").unlink()
    pytest.importorskip("setuptools_scm")
    assert maker.bundle_version(dist) == meta.package_version()  # from git, now


# -- licences and the bundle check ----------------------------------------------------


licenses = load("licenses")


def test_the_project_has_its_own_mit_licence():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted" in text
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_licences_of_python_tcl_tk_pyinstaller_and_the_packages_are_collected(tmp_path):
    pytest.importorskip("PyInstaller")
    pairs = licenses.collect({"ttkbootstrap", "PIL", "openpyxl", "sqlite_utils"}, tmp_path)
    folders = {folder for _, folder in pairs}
    for name in ("Python-", "Tcl-", "Tk-", "pyinstaller-", "ttkbootstrap-", "pillow-"):
        assert any(f.startswith(f"licenses/{name}") for f in folders), name
    assert any(f.startswith("licenses/openpyxl-") for f in folders)
    assert any(f.startswith("licenses/sqlite-utils-") for f in folders)
    assert not any("counter" in f for f in folders)  # our own is LICENSE.txt at the top
    for path, _ in pairs:
        assert path.is_file() and path.stat().st_size > 0
    notices = (tmp_path / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "ttkbootstrap" in notices and "Tcl" in notices and "MIT" in notices
    assert (tmp_path / "LICENSE.txt").read_bytes() == (ROOT / "LICENSE").read_bytes()


class FakeDist:
    def __init__(self, tmp_path, files, meta):
        self.root = tmp_path
        self.files = [Path(f) for f in files]
        self.metadata = _Meta(meta)
        self.version = "1.0"

    def locate_file(self, f):
        return self.root / f


class _Meta(dict):
    def get_all(self, key):
        value = self.get(key)
        return value if isinstance(value, list) else None


def test_a_package_without_any_licence_stops_the_build(tmp_path):
    dist = FakeDist(tmp_path, ["pkg/__init__.py"], {"Name": "nolicence"})
    with pytest.raises(licenses.LicenseError, match="nolicence"):
        licenses.package_component(dist)


def test_a_package_with_only_a_licence_field_gets_a_text(tmp_path):
    dist = FakeDist(tmp_path, ["pkg/__init__.py"], {"Name": "fieldonly", "License": "BSD"})
    comp = licenses.package_component(dist)
    assert comp.files == [] and "BSD" in comp.text


def test_licence_files_of_a_package_are_found(tmp_path):
    (tmp_path / "x-1.0.dist-info" / "licenses").mkdir(parents=True)
    (tmp_path / "x-1.0.dist-info" / "licenses" / "LICENSE").write_text("MIT", encoding="utf-8")
    dist = FakeDist(
        tmp_path,
        ["x/__init__.py", "x-1.0.dist-info/licenses/LICENSE"],
        {"Name": "x", "License-Expression": "MIT"},
    )
    comp = licenses.package_component(dist)
    assert [f.name for f in comp.files] == ["LICENSE"] and comp.license == "MIT"


def fake_bundle(tmp_path: Path, version: str, printed: str) -> Path:
    dist = tmp_path / "counter_app"
    base = dist / "_internal"
    (base / "licenses" / "Python-3").mkdir(parents=True)
    for name in ("Tcl-8", "Tk-8", "pyinstaller-6", "pillow-13", "ttkbootstrap-2"):
        (base / "licenses" / name).mkdir()
        (base / "licenses" / name / "LICENSE").write_text("x", encoding="utf-8")
    (base / "licenses" / "Python-3" / "LICENSE.txt").write_text("x", encoding="utf-8")
    (base / "licenses" / "LICENSE.txt").write_text("MIT", encoding="utf-8")
    (base / "licenses" / "THIRD-PARTY-NOTICES.txt").write_text("x", encoding="utf-8")
    (base / "VERSION.txt").write_text(version + "\n", encoding="utf-8")
    exe = dist / "counter_app_console"
    exe.write_text(f"#!/bin/sh\necho 'counter-app {printed}'\n", encoding="utf-8")
    exe.chmod(0o755)
    return dist


@pytest.mark.skipif(os.name == "nt", reason="the fake console twin is a shell script")
def test_bundle_check_passes_a_complete_bundle(tmp_path):
    check = load("check_bundle")
    assert check.check(fake_bundle(tmp_path, "0.2.0", "0.2.0")) == []


@pytest.mark.skipif(os.name == "nt", reason="the fake console twin is a shell script")
def test_bundle_check_names_what_is_wrong(tmp_path):
    check = load("check_bundle")
    dist = fake_bundle(tmp_path, "0.2.0", "0.1.9")
    (dist / "_internal" / "PIL").mkdir()
    (dist / "_internal" / "PIL" / "_webp.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (dist / "_internal" / "openpyxl-3.1.5.dist-info").mkdir()
    (dist / "_internal" / "licenses" / "Tk-8" / "LICENSE").unlink()
    problems = "\n".join(check.check(dist))
    assert "--version printed 'counter-app 0.1.9'" in problems
    assert "_webp" in problems
    assert "openpyxl-3.1.5.dist-info is bundled without a licence" in problems
    assert "licenses/Tk-8 is empty" in problems


def test_spec_leaves_out_the_pillow_parts_the_app_does_not_use():
    source = ast.unparse(SPEC)
    for module in (
        "PIL._avif",
        "PIL.AvifImagePlugin",
        "PIL._webp",
        "PIL.WebPImagePlugin",
        "PIL._imagingcms",
        "PIL.ImageCms",
        "PIL.TiffImagePlugin",
        "PIL.Jpeg2KImagePlugin",
    ):
        assert repr(module) in source
    assert "'PIL.TiffTags'" not in source  # PIL.Image imports it at the top


def test_spec_writes_the_version_and_bundles_the_licences():
    source = ast.unparse(SPEC)
    assert "meta.write_version_file(version)" in source
    assert "'VERSION.txt'" in source
    assert "licenses.collect(" in source


def test_ci_runs_the_frozen_self_test_from_a_vietnamese_folder_with_spaces():
    text = (PACKAGING / "ci_build.sh").read_text(encoding="utf-8")
    assert 'vn_user="$vn_root/Nguyễn Thị Hồng"' in text and 'vn_app="$vn_user/Ứng dụng"' in text
    assert 'COUNTER_APP_HOME="$home"' in text and 'TMPDIR="$vn_tmp"' in text
    assert 'measure_startup.py "$vn_exe"' in text
    assert "check_bundle.py" in text
    assert "không khởi động được" in text  # the start-up failure check of the frozen exe


@needs_makensis
def test_a_sign_command_signs_the_uninstaller_and_the_installer(tmp_path):
    maker = load("make_installer")
    dist = make_dist(tmp_path)
    office = write_profile(tmp_path, "XA-TEST", "Xã Thử")
    record = tmp_path / "signed.txt"
    signer = tmp_path / "fake_sign.py"
    signer.write_text(
        f"import sys\nopen({str(record)!r}, 'a').write(sys.argv[1] + '\\n')\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    args = ["--office", str(office), "--dist", str(dist), "--out", str(out), "--fast"]
    args += ["--work", str(tmp_path / "w"), "--sign-command", f"{sys.executable} {signer}"]
    assert maker.main(args) == 0
    signed = record.read_text(encoding="utf-8").splitlines()
    assert len(signed) == 2  # the uninstaller (a temporary file), then the installer
    assert signed[1].endswith("counter_app-XA-TEST-0.2.0.post3+g1a2b3c4-setup.exe")


@needs_makensis
def test_a_failing_sign_command_fails_the_build(tmp_path):
    maker = load("make_installer")
    dist = make_dist(tmp_path)
    office = write_profile(tmp_path, "XA-TEST", "Xã Thử")
    args = ["--office", str(office), "--dist", str(dist), "--out", str(tmp_path / "o")]
    args += ["--fast", "--work", str(tmp_path / "w"), "--sign-command", "false"]
    with pytest.raises(subprocess.CalledProcessError):
        maker.main(args)


WORKFLOW = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "needle",
    [
        "fetch-depth: 0",  # the version needs the tags
        "python packaging/check_bundle.py dist/counter_app",
        '"Nguy" + [char]0x1EC5 + "n Th" + [char]0x1ECB + " H" + [char]0x1ED3 + "ng"',
        "$env:COUNTER_APP_HOME = $env:VN_HOME",
        "$env:TEMP = $env:VN_TEMP",
        '-ArgumentList "--self-test" -Wait -PassThru',
        'Run $setup.FullName "/S $flag /D=$dir"',
        'Run (Join-Path $dir "counter_app.exe") "--self-test"',
        'Run (Join-Path $dir "uninstall.exe") "/S $flag _?=$dir"',
        "the data folder was NOT kept",
        'foreach ($mode in @("user", "machine"))',
        "a silent downgrade was not refused",
        "secrets.WINDOWS_CERT_PFX",
        "::notice title=Unsigned build::",
        "packaging/sign.ps1 dist\\counter_app\\counter_app.exe",
        '"--sign-command"',
    ],
)
def test_windows_workflow_has_the_windows_only_steps(needle):
    assert needle in WORKFLOW


def test_signing_is_skipped_without_the_secret_and_never_prints_it():
    step = WORKFLOW.split("- name: Code-signing certificate", 1)[1].split("- name:", 1)[0]
    assert "if (-not $env:CERT_PFX_BASE64)" in step and "exit 0" in step
    assert "steps.cert.outputs.signed == 'true'" in WORKFLOW
    sign = (PACKAGING / "sign.ps1").read_text(encoding="utf-8")
    assert "/fd SHA256 /tr $url /td SHA256" in sign and "verify /pa" in sign
    assert "$env:COUNTER_APP_CERT_PASSWORD" in sign  # from the environment, not argv
