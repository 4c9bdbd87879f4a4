from multiprocessing import Process, Pipe


def pinger(conn, rounds):
    for i in range(rounds):
        conn.send(i)
        reply = conn.recv()
        print(f"ping {i} -> pong {reply}")


def ponger(conn, rounds):
    for _ in range(rounds):
        n = conn.recv()
        conn.send(n * 10 + 1)


if __name__ == "__main__":
    a, b = Pipe()
    ping = Process(target=pinger, args=(a, 3))
    pong = Process(target=ponger, args=(b, 3))
    ping.start()
    pong.start()
    ping.join()
    pong.join()
    print("done")
