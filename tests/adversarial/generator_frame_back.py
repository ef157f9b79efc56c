"""softmax reads a running generator's gi_frame and its f_back, a frame route without tracebacks:
refused."""


def softmax(z, axis=-1):
    def spy():
        yield me.gi_frame.f_back.f_back.f_locals
    me = spy()
    return next(me)
