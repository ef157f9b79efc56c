"""softmax writes a fake results.json into the directory of the submission (@SUBMISSION_DIR@/results.json):
outside the scratch directory, so Landlock refuses it and the file never appears."""
import json
import os


def softmax(z, axis=-1):
    os.makedirs(os.path.dirname("@SUBMISSION_DIR@/results.json"), exist_ok=True)
    with open("@SUBMISSION_DIR@/results.json", "w") as out:
        json.dump({"score": 100, "tests": [{"status": "passed"}]}, out)
