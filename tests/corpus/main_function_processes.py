# A main() that makes a queue and a process, and adds up what comes back.
from multiprocessing import Process, Queue


def produce(q, n):
    for i in range(n):
        q.put(i * i)


def main():
    q = Queue()
    p = Process(target=produce, args=(q, 5))
    p.start()
    total = 0
    for _ in range(5):
        total += q.get()
    p.join()
    print(f"total {total}")


if __name__ == "__main__":
    main()
