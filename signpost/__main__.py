"""`python -m signpost`: the same command line as `signpost`, for the current folder."""
import sys

from signpost.cli import main

if __name__ == "__main__":   # importing the module (tools that walk the package) runs nothing
    sys.exit(main())
