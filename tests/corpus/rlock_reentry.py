# A function that takes the lock calls another that takes it again: fine with an RLock.
import threading

lock = threading.RLock()
total = 0


def add(n):
    global total
    with lock:
        total += n


def add_twice(n):
    with lock:
        add(n)
        add(n)


threads = [threading.Thread(target=add_twice, args=(k,)) for k in range(1, 4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"total = {total}")
