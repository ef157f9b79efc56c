"""A grader function found through object.__subclasses__() is renamed (setting __module__ is not
audited) and then given new code, in the hope that the hook judges it by its new module: refused."""


def softmax(z, axis=-1):
    worker = next(cls for cls in object.__subclasses__() if cls.__name__ == "Worker")
    encode = worker.__dict__["encode"]
    encode.__module__ = "submission"
    encode.__code__ = (lambda self, value, blobs: None).__code__
