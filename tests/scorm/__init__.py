"""Tests of the SCORM app."""
