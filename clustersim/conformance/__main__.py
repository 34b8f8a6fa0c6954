"""``python -m clustersim.conformance CASES.json``."""

import sys

from clustersim.conformance import main

sys.exit(main())
