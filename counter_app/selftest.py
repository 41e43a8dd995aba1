"""``counter-app --self-test``: prove the app works on this machine (placeholder until the
packaging issue lands the full check)."""
