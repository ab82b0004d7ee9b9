"""Commands: seed_demo, run_platform, demo_totp_code."""
