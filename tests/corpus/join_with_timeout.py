# The main thread waits a little for a slow worker, finds it still running, then waits
# for good.
import threading
import time


def slow():
    time.sleep(0.1)
    print("worker: finished")


t = threading.Thread(target=slow)
t.start()
t.join(0.02)
if t.is_alive():
    print("main: still running after 20 ms")
t.join()
if not t.is_alive():
    print("main: now it has ended")
print(f"alive: {t.is_alive()}")
