"""`python -m generator …` runs the command line."""
import os
import sys

from generator.cli import main

code = main()
sys.stdout.flush()
sys.stderr.flush()
# Every file is written and closed by now. Leaving through os._exit skips freeing a large site's
# objects one by
# one at interpreter exit, which costs about 30 ms at 1,000 pages and several times that at 10,000.
os._exit(code)
