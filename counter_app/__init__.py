"""counter_app: log guidance sessions at one-stop-shop counters and report them weekly."""

__version__ = "0.1.0"
APP_NAME = "counter_app"
APP_AUTHOR = "counter_app"
