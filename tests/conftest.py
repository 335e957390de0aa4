"""Settings for the whole suite."""

import os

# Every test lays its scorecard out, as before scorecards were kept: a test that changes how
# one is drawn must see the change, not a scorecard kept by an earlier test or by `make demo`.
# tests/test_scorecard_kept.py turns the cache on for itself.
os.environ["REPORTGEN_SCORECARD_CACHE"] = "off"
