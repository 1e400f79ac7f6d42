"""Run the annotator app: `python main.py` (or `annotator`)."""
import sys

from annotator.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
