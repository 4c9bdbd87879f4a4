# Three workers, two slots: the third waits until a slot frees.
import threading
import time

slots = threading.Semaphore(2)
inside = 0
most = 0
guard = threading.Lock()


def worker(k):
    global inside
    with slots:
        with guard:
            inside += 1
        print(f"worker {k} in")
        time.sleep(0.02 * k)
        with guard:
            inside -= 1
        print(f"worker {k} out")


ws = [threading.Thread(target=worker, args=(k,)) for k in range(1, 4)]
for w in ws:
    w.start()
for w in ws:
    w.join()
print(f"inside at the end: {inside}")
