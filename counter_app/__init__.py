"""counter_app: log guidance sessions at one-stop-shop counters and report them weekly."""

try:
    # Written from git by setuptools-scm (pip install) or packaging/build_meta.py (the
    # bundle): the last v* tag plus the commits since, e.g. "0.2.0.post3+g1a2b3c4".
    from counter_app._version import __version__
except ImportError:  # a source tree that was never installed nor built
    __version__ = "0.0.0+unknown"
APP_NAME = "counter_app"
APP_AUTHOR = "counter_app"
