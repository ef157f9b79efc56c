"""An autograder for deep-learning exercises."""
