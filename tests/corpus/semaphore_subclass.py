# Downloads as a Thread subclass, at most two at a time: the third waits for a slot.
import threading
import time

slots = threading.Semaphore(2)


class Download(threading.Thread):
    def __init__(self, k):
        super().__init__(name=f"download-{k}")
        self.seconds = 0.02 * k

    def run(self):
        with slots:
            print(f"{self.name} starts")
            time.sleep(self.seconds)
            print(f"{self.name} ends")


downloads = [Download(k) for k in range(1, 4)]
for d in downloads:
    d.start()
for d in downloads:
    d.join()
print("all downloaded")
