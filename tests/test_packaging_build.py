"""Packaging scripts: version metadata, the NSIS script (compiled when makensis is here),
the PyInstaller spec's essentials, and the CI hooks."""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
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
    spec.loader.exec_module(module)
    return module


meta = load("build_meta")


# -- version metadata ----------------------------------------------------------------


def test_package_version_is_read_from_the_source():
    assert meta.package_version() == counter_app.__version__


@pytest.mark.parametrize(
    "version, expected",
    [
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
        'InstallDir "$LOCALAPPDATA\\Programs\\${PRODUCT}"',
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
    installer = out / f"counter_app-XA-TEST-{counter_app.__version__}-setup.exe"
    assert installer.is_file() and installer.read_bytes()[:2] == b"MZ"
    assert "installer:" in capsys.readouterr().out


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
