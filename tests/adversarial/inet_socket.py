"""softmax opens an AF_INET socket to send the inputs (or fetch answers) over the network: refused."""
import socket


def softmax(z, axis=-1):
    socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 80))
