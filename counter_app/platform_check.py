"""Which Windows this is, and whether the app supports it (Windows 8.1 or later, 64-bit).

The installer refuses older or 32-bit Windows itself (WinVer.nsh / x64.nsh); this is the
same rule for a copy started some other way (a bundle copied over, a Python install),
so the person sees why in Vietnamese instead of a crash. On Windows 7 and older the
Python runtime of the bundle cannot start at all: there only the installer's check
can speak. Ground layer: no import of the app's upper layers.
"""

from __future__ import annotations

import platform
import sys

MIN_WINDOWS = (6, 3)  # Windows 8.1 (NT 6.3); Windows 10 and 11 report 10.0
WINDOWS_NAMES = {(6, 0): "Vista", (6, 1): "7", (6, 2): "8", (6, 3): "8.1"}
BITS_32 = {"x86", "i386", "i486", "i586", "i686"}


def windows_version() -> tuple[int, int, int] | None:
    """(major, minor, build) of the running Windows, None elsewhere. ``platform_version``
    is the real one: the plain numbers are what the exe's manifest lets Windows admit."""
    get = getattr(sys, "getwindowsversion", None)
    if get is None:
        return None
    info = get()
    real = getattr(info, "platform_version", None)
    if real:
        return int(real[0]), int(real[1]), int(real[2])
    return int(info.major), int(info.minor), int(info.build)


def windows_name(version: tuple[int, int, int]) -> str:
    """ "Windows 10 (10.0.19045)", "Windows 11 (10.0.22631)", "Windows 7 (6.1.7601)"."""
    major, minor, build = version
    if (major, minor) == (10, 0):
        name = "11" if build >= 22000 else "10"
    else:
        name = WINDOWS_NAMES.get((major, minor), f"{major}.{minor}")
    return f"Windows {name} ({major}.{minor}.{build})"


def os_is_64bit(machine: str | None = None) -> bool:
    """The OS, not this Python: a 32-bit Python on 64-bit Windows still says AMD64."""
    machine = (machine if machine is not None else platform.machine()).lower()
    return machine not in BITS_32


def describe() -> str:
    """One line for the log: which system, which Python, which build."""
    bits = "64-bit" if os_is_64bit() else "32-bit"
    version = windows_version()
    system = windows_name(version) if version else f"{platform.system()} {platform.release()}"
    python = f"Python {platform.python_version()} {64 if sys.maxsize > 2**32 else 32}-bit"
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    return f"{system} {bits} ({platform.machine()}); {python}; {frozen}"


def unsupported_reason(
    version: tuple[int, int, int] | None = None,
    machine: str | None = None,
    on_windows: bool | None = None,
) -> str | None:
    """A Vietnamese sentence saying why this Windows is not supported, or None."""
    from counter_app.i18n import tr

    on_windows = sys.platform == "win32" if on_windows is None else on_windows
    if not on_windows:
        return None
    version = version if version is not None else windows_version()
    if version is not None and version[:2] < MIN_WINDOWS:
        return tr(
            "This app needs Windows 8.1, 10 or 11 (64-bit). This computer runs {windows}, "
            "which is too old. Ask the IT person to upgrade Windows."
        ).format(windows=windows_name(version))
    if not os_is_64bit(machine):
        return tr(
            "This app needs a 64-bit Windows. This computer runs a 32-bit Windows. "
            "Ask the IT person."
        )
    return None
