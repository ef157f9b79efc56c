"""softmax writes a fake results.json into the results file of a Gradescope-style autograder (/autograder/results/results.json):
outside the scratch directory, so Landlock refuses it and the file never appears."""
import json
import os


def softmax(z, axis=-1):
    os.makedirs(os.path.dirname("/autograder/results/results.json"), exist_ok=True)
    with open("/autograder/results/results.json", "w") as out:
        json.dump({"score": 100, "tests": [{"status": "passed"}]}, out)
