"""softmax calls sys.exit(0): an exit code of 0 must not read as success; the check is an error."""
import sys


def softmax(z, axis=-1):
    sys.exit(0)
