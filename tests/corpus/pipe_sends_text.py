from multiprocessing import Process, Pipe


def greet(conn):
    conn.send("hello")
    conn.close()


if __name__ == "__main__":
    left, right = Pipe()
    p = Process(target=greet, args=(right,))
    p.start()
    print(left.recv())
    p.join()
