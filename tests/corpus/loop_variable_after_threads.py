# Threads made and started in a loop; the loop variable keeps its last value after it.
import threading


def worker(i):
    print(f"worker {i}")


threads = []
for i in range(3):
    t = threading.Thread(target=worker, args=(i,))
    threads.append(t)
    t.start()
for t in threads:
    t.join()
print(f"last i: {i}")
