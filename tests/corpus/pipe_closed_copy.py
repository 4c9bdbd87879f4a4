# The parent closes its copy of the sending end: once the child has sent its three
# numbers and closed its copy, the parent's next recv raises EOFError.
from multiprocessing import Process, Pipe


def send_three(conn):
    for i in range(3):
        conn.send(i + 1)
    conn.close()


if __name__ == "__main__":
    receiving, sending = Pipe()
    child = Process(target=send_three, args=(sending,))
    child.start()
    sending.close()  # the parent's copy: now the child's close is the last one
    while True:
        print(receiving.recv())
