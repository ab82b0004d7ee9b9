"""Courses: multilingual e-learning modules, enrolment, progress, certificates."""
