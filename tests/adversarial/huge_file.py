"""softmax writes 10 GB into a file in its scratch directory: the file-size limit (64 MiB) makes
the write fail with EFBIG (SIGXFSZ is ignored, so it is an error, not a kill)."""


def softmax(z, axis=-1):
    block = b"\0" * 2**20
    with open("huge.bin", "wb") as out:
        for _ in range(10 * 2**10):
            out.write(block)
