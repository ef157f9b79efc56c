"""The file calls sys.exit(0) at its top level: loading fails, so every check is an error."""
import sys

sys.exit(0)
