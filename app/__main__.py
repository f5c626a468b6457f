"""`python -m app` runs the abhyas command."""
import sys

from .cli import main

sys.exit(main())
