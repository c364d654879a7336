"""`python -m signpost`: the same command line as `signpost`, for the current folder."""
import sys

from signpost.cli import main

sys.exit(main())
