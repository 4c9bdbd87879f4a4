# A daemon watcher that never finishes: the program ends when the main thread does, and
# the watcher with it.
import threading
import time


class Watcher(threading.Thread):
    def __init__(self):
        super().__init__(name="watcher", daemon=True)

    def run(self):
        while True:
            time.sleep(0.01)


watcher = Watcher()
watcher.start()
time.sleep(0.05)
print("main thread exits; the daemon dies with it")
