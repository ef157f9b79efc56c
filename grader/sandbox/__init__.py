"""Running untrusted student code: a zygote that forks one hardened child per check.

    zygote.py     the fork server, started once per grader process with numpy and torch imported
    child.py      what a forked child does before it runs student code: descriptors, environment,
                  limits, and every isolation layer the host offers
    layers.py     the layers themselves (namespaces, uid, rlimits), and which ones this host has
    landlock.py   file-system allow-list (Linux ≥ 5.13)
    seccomp.py    system-call filter: no fork, exec, ptrace or network sockets
    guard.py      inside the child: the grader's own modules out of reach of student code
"""


class Unavailable(Exception):
    """An isolation layer this host (kernel, platform, privileges) does not offer; `str()` says why."""
