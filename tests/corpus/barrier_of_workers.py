# Three workers arrive at a barrier one by one; none leaves before the last arrives.
import threading
import time

gate = threading.Barrier(3)


def worker(k):
    time.sleep(0.02 * k)
    print(f"worker {k} arrives")
    gate.wait()
    time.sleep(0.01 * k)  # they leave in order too
    print(f"worker {k} leaves")


ws = [threading.Thread(target=worker, args=(k,)) for k in range(1, 4)]
for w in ws:
    w.start()
for w in ws:
    w.join()
print("through the barrier")
