# One thread holds a lock for a while; another gives up after a short timeout, then waits
# long enough; a third only tries once, without waiting.
import threading
import time

lock = threading.Lock()
tries = 0


def holder():
    with lock:
        time.sleep(0.05)


def patient():
    global tries
    time.sleep(0.01)
    if not lock.acquire(timeout=0.01):
        tries += 1
        print("patient: gave up after 10 ms")
    if lock.acquire(timeout=1):
        print("patient: got the lock")
        lock.release()


def hasty():
    time.sleep(0.03)
    if lock.acquire(blocking=False):
        print("hasty: got it")
        lock.release()
    else:
        print("hasty: busy, moving on")


h = threading.Thread(target=holder)
p = threading.Thread(target=patient)
q = threading.Thread(target=hasty)
h.start()
p.start()
q.start()
h.join()
p.join()
q.join()
print(f"gave up {tries} time(s)")
