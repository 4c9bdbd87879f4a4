from multiprocessing import Process, Queue


def produce(q, first, count):
    for i in range(count):
        q.put(first + i)


if __name__ == "__main__":
    q = Queue()
    producers = [Process(target=produce, args=(q, k * 10, 3)) for k in range(2)]
    for p in producers:
        p.start()
    total = 0
    for _ in range(6):
        total = total + q.get()
    for p in producers:
        p.join()
    print(f"sum = {total}, empty: {q.empty()}")
