# Workers as a Thread subclass: each keeps its share in an attribute, and adds it to a
# shared total under a lock; CPython names them Thread-1, Thread-2, ... (no target).
import threading
import time

total = 0
lock = threading.Lock()


class Adder(threading.Thread):
    """Adds `share` to the total, one at a time."""

    def __init__(self, share, pause):
        super().__init__()
        self.share = share
        self.pause = pause * 2

    def run(self):
        global total
        time.sleep(self.pause)
        for _ in range(self.share):
            with lock:
                total += 1
        print(f"{self.name} added {self.share} ({threading.current_thread().name})")


adders = [Adder(k * 10, k * 0.01) for k in range(1, 4)]
for a in adders:
    a.start()
for a in adders:
    a.join()
print(f"total = {total}")
