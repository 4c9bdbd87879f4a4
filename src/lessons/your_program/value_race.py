# Four processes each add 1 to a shared Value 20 000 times. Each `v.value += 1` is a
# locked read and then a separately locked write: another process can come between the
# two, and an update is lost. Put `with v.get_lock():` around the addition to keep them.
from multiprocessing import Process, Value


def add(v, times):
    for _ in range(times):
        v.value += 1


if __name__ == "__main__":
    v = Value("i", 0)
    workers = [Process(target=add, args=(v, 20000)) for _ in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
    print(f"v.value = {v.value} (expected 80000)")
