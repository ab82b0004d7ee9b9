"""Tests of accounts, MFA, the one way in and profiles."""
