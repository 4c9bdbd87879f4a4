# Three threads started with _thread, which has no join: the main thread sleeps long
# enough for them, and any still running would die with it.
import _thread
import time


def greet(name, delay):
    time.sleep(delay)
    print(f"hello from {name}")


for k in range(1, 4):
    _thread.start_new_thread(greet, (f"worker {k}", k * 0.02))
time.sleep(0.2)
print("main done")
