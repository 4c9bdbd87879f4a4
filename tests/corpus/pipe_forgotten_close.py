# The parent keeps its copy of the sending end: after the child has sent its three
# numbers, closed its copy and exited, the parent's recv still waits, for ever.
from multiprocessing import Process, Pipe


def send_three(conn):
    for i in range(3):
        conn.send(i + 1)
    conn.close()


if __name__ == "__main__":
    receiving, sending = Pipe()
    child = Process(target=send_three, args=(sending,))
    child.start()
    while True:
        print(receiving.recv())
