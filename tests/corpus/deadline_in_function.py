# A thread naps until a deadline it computes from its argument, read against the clock.
import threading
import time


def worker(seconds):
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        time.sleep(0.01)
    print(f"done after {n} naps")


t = threading.Thread(target=worker, args=(0.05,))
t.start()
t.join()
