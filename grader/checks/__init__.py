"""The kinds of checks an exercise is made of; see `grader.checks.core` for what a check is."""
