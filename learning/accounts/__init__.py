"""Accounts: practitioner profiles, allauth adapters, the MFA and profile gates."""
