"""Test-wide settings.

Hypothesis' default deadline (200 ms per example) measures the machine's load, not the code: on a loaded 2-core CI
machine a test of the phone-number masking failed with DeadlineExceeded while passing in 3 s alone.  The
property tests keep their example counts; no example has a time limit.
"""

from hypothesis import settings

settings.register_profile("minyi", deadline=None)
settings.load_profile("minyi")
