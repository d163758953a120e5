"""``python -m benchmarks run --scale small|province [--compare] [--skip-load]`` (see benchmarks/run.py)."""

import sys

from benchmarks.run import main

sys.exit(main())
