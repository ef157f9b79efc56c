"""libc's fork() through ctypes, with every ctypes step run in a thread pool so that no frame of the
student's is on the stack when the audit hook looks: refused in any thread but the worker's (and
seccomp would make the fork fail even then)."""
import ctypes
from concurrent.futures import ThreadPoolExecutor


def softmax(z, axis=-1):
    with ThreadPoolExecutor(1) as pool:
        libc = pool.submit(ctypes.CDLL, None).result()
        fork = pool.submit(getattr, libc, "fork").result()
        pid = pool.submit(fork).result()
    raise ChildProcessError(f"fork() returned {pid}")
