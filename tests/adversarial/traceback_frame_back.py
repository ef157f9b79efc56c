"""softmax raises, catches, and follows __traceback__.tb_frame.f_back to the worker: refused."""


def softmax(z, axis=-1):
    try:
        raise ValueError
    except ValueError as error:
        return error.__traceback__.tb_frame.f_back.f_locals
