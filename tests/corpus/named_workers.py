# Each worker reads its number from its own name and waits that many hundredths of a
# second: they finish in the order of their numbers, whatever order they started in.
import threading
import time


def worker():
    i = int(threading.current_thread().name[1:])
    time.sleep(0.02 * i)
    print(f"{threading.current_thread().name} done after {i * 20} ms")


workers = [threading.Thread(target=worker, name=f"W{4 - i}") for i in range(4)]
for w in workers:
    w.start()
for w in workers:
    w.join()
