"""`python -m tracker.bench`: the benchmark, and the entry point of each phase's child process."""

import sys

from tracker.bench.harness import main

sys.exit(main())
